package dev.apianalytics.micronaut;

import dev.apianalytics.testkit.Endpoint;
import io.micronaut.context.ExecutionHandleLocator;
import io.micronaut.context.annotation.Executable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.web.router.DefaultRouteBuilder;
import io.micronaut.web.router.UriRoute;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The conformance suite's endpoints as a Micronaut controller, routed from the {@link Endpoint}
 * enum by {@link Routes}, and a route with a query template of its own.
 */
@Controller
@Produces(MediaType.TEXT_PLAIN)
class TestController {

    /** Registers every endpoint, each to its method of the controller. */
    @Singleton
    static final class Routes extends DefaultRouteBuilder {
        Routes(ExecutionHandleLocator locator) {
            super(locator);
            for (Endpoint endpoint : Endpoint.values()) {
                // a switch expression, so that a new endpoint does not compile until it is routed
                UriRoute route = switch (endpoint) {
                    case HELLO -> route(endpoint, "hello");
                    case USER -> route(endpoint, "user", String.class);
                    case ECHO -> route(endpoint, "echo", String.class);
                    case REDIRECT -> route(endpoint, "redirect");
                    case BOOM -> route(endpoint, "boom");
                    case ASYNC -> route(endpoint, "async");
                    case STREAM -> route(endpoint, "stream");
                };
            }
        }

        private UriRoute route(Endpoint endpoint, String method, Class<?>... parameters) {
            if (endpoint.method().equals("POST")) {
                return POST(endpoint.template(), TestController.class, method, parameters).consumes(MediaType.ALL_TYPE);
            }
            // as @Get does, a GET route answers HEAD too
            HEAD(endpoint.template(), TestController.class, method, parameters);
            return GET(endpoint.template(), TestController.class, method, parameters);
        }
    }

    @Executable
    String hello() {
        return Endpoint.HELLO.body();
    }

    @Executable
    String user(String id) {
        return id;
    }

    @Executable
    HttpResponse<String> echo(@Body String body) {
        return HttpResponse.created(body);
    }

    @Get("/books{?max}")
    String books(@io.micronaut.core.annotation.Nullable Integer max) {
        return "books";
    }

    @Executable
    HttpResponse<?> redirect() {
        return HttpResponse.status(HttpStatus.FOUND).header("Location", "/hello");
    }

    @Executable
    String boom() {
        throw new IllegalStateException("the controller fails on purpose");
    }

    @Executable
    CompletableFuture<String> async() {
        return CompletableFuture.supplyAsync(() -> Endpoint.ASYNC.body(),
                CompletableFuture.delayedExecutor(Endpoint.ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS));
    }

    @Executable
    StreamedFile stream() {
        return new StreamedFile(new ByteArrayInputStream(new byte[Endpoint.STREAM_BYTES]),
                MediaType.APPLICATION_OCTET_STREAM_TYPE);
    }
}
