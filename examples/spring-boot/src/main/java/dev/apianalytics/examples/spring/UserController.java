package dev.apianalytics.examples.spring;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** A toy user API: enough endpoints to see routes, statuses and an async response on the dashboard. */
@RestController
class UserController {

    private static final Map<String, String> USERS = Map.of("1", "Ada", "2", "Grace", "3", "Linus");

    @GetMapping("/users")
    List<String> users() {
        return List.copyOf(USERS.values());
    }

    @GetMapping("/users/{id}")
    Map<String, String> user(@PathVariable String id) {
        String name = USERS.get(id);
        if (name == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no user " + id);
        }
        return Map.of("id", id, "name", name);
    }

    @PostMapping("/users")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, String> create(@RequestBody Map<String, String> user) {
        return user;
    }

    /** Completes on another thread; the filter measures it until the response is written. */
    @GetMapping("/reports/slow")
    CompletableFuture<String> slowReport() {
        return CompletableFuture.supplyAsync(() -> "report", CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS));
    }
}
