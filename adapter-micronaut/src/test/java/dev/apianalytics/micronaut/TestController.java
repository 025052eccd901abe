package dev.apianalytics.micronaut;

import dev.apianalytics.testkit.Endpoint;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.types.files.StreamedFile;
import java.io.ByteArrayInputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The conformance suite's endpoints as a Micronaut controller. */
@Controller
@Produces(MediaType.TEXT_PLAIN)
class TestController {

    @Get("/hello")
    String hello() {
        return "hello";
    }

    @Get("/users/{id}")
    String user(String id) {
        return id;
    }

    @Post("/echo")
    @Consumes(MediaType.ALL)
    HttpResponse<String> echo(@Body String body) {
        return HttpResponse.created(body);
    }

    @Get("/books{?max}")
    String books(@io.micronaut.core.annotation.Nullable Integer max) {
        return "books";
    }

    @Get("/redirect")
    HttpResponse<?> redirect() {
        return HttpResponse.status(HttpStatus.FOUND).header("Location", "/hello");
    }

    @Get("/boom")
    String boom() {
        throw new IllegalStateException("the controller fails on purpose");
    }

    @Get("/async")
    CompletableFuture<String> async() {
        return CompletableFuture.supplyAsync(() -> "async",
                CompletableFuture.delayedExecutor(Endpoint.ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Get("/stream")
    StreamedFile stream() {
        return new StreamedFile(new ByteArrayInputStream(new byte[Endpoint.STREAM_BYTES]),
                MediaType.APPLICATION_OCTET_STREAM_TYPE);
    }
}
