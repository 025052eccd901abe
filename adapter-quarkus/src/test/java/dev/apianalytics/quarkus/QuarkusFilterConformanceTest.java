package dev.apianalytics.quarkus;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;

/**
 * The whole conformance suite against the adapter's route filter on the Vert.x 4 router that
 * Quarkus runs, with plain Vert.x routes. The suite needs a new configuration per test, which
 * a {@code @QuarkusTest} application cannot take; {@link QuarkusAdapterTest} checks the same
 * behaviour through a real Quarkus REST application configured from application.properties.
 */
class QuarkusFilterConformanceTest extends AbstractConformanceTest {

    private Vertx vertx;
    private ApiAnalyticsFilter filter;

    @Override
    protected String startApp(Config config) throws Exception {
        vertx = Vertx.vertx();
        filter = new ApiAnalyticsFilter(ApiAnalytics.create(config, "Quarkus"));
        Router router = Router.router(vertx);
        // Quarkus registers its filters the same way: a route ahead of every other
        router.route().order(Integer.MIN_VALUE).handler(filter::track);
        router.route("/hello").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.end("hello"));
        router.get("/users/:id").handler(ctx -> ctx.end(ctx.pathParam("id")));
        router.post("/echo").handler(BodyHandler.create())
                .handler(ctx -> ctx.response().setStatusCode(201).end(ctx.body().buffer()));
        router.get("/redirect").handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/hello").end());
        router.get("/boom").handler(ctx -> {
            throw new IllegalStateException("the handler fails on purpose");
        });
        router.get("/async").handler(ctx -> vertx.setTimer(ASYNC_DELAY_MILLIS, id -> ctx.end("async")));
        router.get("/stream").handler(ctx -> {
            HttpServerResponse response = ctx.response().setChunked(true);
            Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
            for (int written = 0; written < STREAM_BYTES; written += chunk.length()) {
                response.write(chunk);
            }
            response.end();
        });
        HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    protected void stopApp() throws Exception {
        filter.flushOnShutdown(new ShutdownEvent());
        await(vertx.close());
    }

    /**
     * A plain Vert.x route that fails is answered after Vert.x has left it, so it has no
     * template; a failing Quarkus REST method keeps its own (see {@link QuarkusAdapterTest}).
     */
    @Override
    protected String expectedRoute(String path) {
        return "/boom".equals(path) ? null : super.expectedRoute(path);
    }

    @Override
    protected String expectedFramework() {
        return "Quarkus";
    }

    @Override
    protected Class<?> nativeRequestType() {
        return RoutingContext.class;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
