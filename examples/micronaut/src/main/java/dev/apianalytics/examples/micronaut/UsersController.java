package dev.apianalytics.examples.micronaut;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

@Controller
class UsersController {

    private static final Map<String, String> USERS = Map.of("1", "Ada", "2", "Grace", "3", "Linus");

    @Get("/users/{id}")
    HttpResponse<Map<String, String>> user(String id) {
        String name = USERS.get(id);
        return name == null ? HttpResponse.notFound() : HttpResponse.ok(Map.of("id", id, "name", name));
    }

    @Post(value = "/users", consumes = MediaType.APPLICATION_JSON)
    HttpResponse<Map<String, Object>> create(@Body Map<String, Object> user) {
        return HttpResponse.created(user);
    }

    /** Completes later; the filter measures it until the response is written. */
    @Get(value = "/reports/slow", produces = MediaType.TEXT_PLAIN)
    CompletionStage<String> slowReport() {
        return CompletableFuture.supplyAsync(() -> "report", CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS));
    }
}
