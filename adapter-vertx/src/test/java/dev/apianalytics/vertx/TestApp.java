package dev.apianalytics.vertx;

import dev.apianalytics.testkit.AbstractConformanceTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/** The conformance suite's endpoints as a Vert.x Web application. */
final class TestApp {

    private TestApp() {}

    static Router router(Vertx vertx, ApiAnalyticsHandler analytics) {
        Router router = Router.router(vertx);
        router.route().handler(analytics);
        router.route("/hello").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.end("hello"));
        router.get("/users/:id").handler(ctx -> ctx.end(ctx.pathParam("id")));
        router.post("/echo").handler(BodyHandler.create())
                .handler(ctx -> ctx.response().setStatusCode(201).end(ctx.body().buffer()));
        router.get("/redirect").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/hello").end());
        router.get("/boom").handler(ctx -> {
            throw new IllegalStateException("the handler fails on purpose");
        });
        router.get("/async").handler(ctx -> vertx.setTimer(AbstractConformanceTest.ASYNC_DELAY_MILLIS, id -> ctx.end("async")));
        router.get("/stream").handler(ctx -> {
            HttpServerResponse response = ctx.response().setChunked(true);
            Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
            for (int written = 0; written < AbstractConformanceTest.STREAM_BYTES; written += chunk.length()) {
                response.write(chunk);
            }
            response.end();
        });
        return router;
    }

    static HttpServer start(Vertx vertx, ApiAnalyticsHandler analytics) throws Exception {
        return await(vertx.createHttpServer().requestHandler(router(vertx, analytics)).listen(0, "127.0.0.1"));
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
