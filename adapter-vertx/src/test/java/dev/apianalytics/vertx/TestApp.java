package dev.apianalytics.vertx;

import dev.apianalytics.testkit.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/** The conformance suite's endpoints as a Vert.x Web application. */
final class TestApp {

    private TestApp() {}

    static Router router(Vertx vertx, ApiAnalyticsHandler analytics) {
        Router router = Router.router(vertx);
        router.route().handler(analytics);
        for (Endpoint endpoint : Endpoint.values()) {
            // Vert.x writes path parameters as :id and answers HEAD only where a route allows it
            Route route = router.route(endpoint.template().replaceAll("\\{(\\w+)}", ":$1"))
                    .method(HttpMethod.valueOf(endpoint.method()));
            if (endpoint.method().equals("GET")) {
                route.method(HttpMethod.HEAD);
            }
            if (endpoint == Endpoint.ECHO) {
                route.handler(BodyHandler.create());
            }
            route.handler(handler(vertx, endpoint));
        }
        return router;
    }

    private static Handler<RoutingContext> handler(Vertx vertx, Endpoint endpoint) {
        return switch (endpoint) {
            case HELLO -> ctx -> ctx.end(endpoint.body());
            case USER -> ctx -> ctx.end(ctx.pathParam("id"));
            case ECHO -> ctx -> ctx.response().setStatusCode(endpoint.status()).end(ctx.body().buffer());
            case REDIRECT -> ctx -> ctx.response().setStatusCode(endpoint.status()).putHeader("Location", "/hello").end();
            case BOOM -> ctx -> {
                throw new IllegalStateException("the handler fails on purpose");
            };
            case ASYNC -> ctx -> vertx.setTimer(Endpoint.ASYNC_DELAY_MILLIS, id -> ctx.end(endpoint.body()));
            case STREAM -> ctx -> {
                HttpServerResponse response = ctx.response().setChunked(true);
                Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
                for (int written = 0; written < Endpoint.STREAM_BYTES; written += chunk.length()) {
                    response.write(chunk);
                }
                response.end();
            };
        };
    }

    static HttpServer start(Vertx vertx, ApiAnalyticsHandler analytics) throws Exception {
        return await(vertx.createHttpServer().requestHandler(router(vertx, analytics)).listen(0, "127.0.0.1"));
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
