package dev.apianalytics.quarkus;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import dev.apianalytics.testkit.Endpoint;
import io.quarkus.runtime.ShutdownEvent;
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

/**
 * The whole conformance suite against the adapter's route filter on the Vert.x 4 router that
 * Quarkus runs, with plain Vert.x routes. The suite needs a new configuration per test, which
 * a {@code @QuarkusTest} application cannot take; {@link QuarkusAdapterTest} checks the same
 * behaviour through a real Quarkus REST application configured from application.properties.
 */
class QuarkusFilterConformanceTest extends AbstractConformanceTest {

    private Vertx vertx;
    private ApiAnalyticsFilter filter;

    QuarkusFilterConformanceTest() {
        // a plain Vert.x route that fails is answered after Vert.x has left it, so it has no
        // template; a failing Quarkus REST method keeps its own (see QuarkusAdapterTest)
        super(Options.of("Quarkus", RoutingContext.class).noRoute(Endpoint.BOOM));
    }

    @Override
    protected String startApp(Config config) throws Exception {
        vertx = Vertx.vertx();
        filter = new ApiAnalyticsFilter(ApiAnalytics.create(config, "Quarkus"));
        Router router = Router.router(vertx);
        // Quarkus registers its filters the same way: a route ahead of every other
        router.route().order(Integer.MIN_VALUE).handler(filter::track);
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
            route.handler(handler(endpoint));
        }
        HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        return "http://127.0.0.1:" + server.actualPort();
    }

    private Handler<RoutingContext> handler(Endpoint endpoint) {
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

    @Override
    protected void stopApp() throws Exception {
        filter.flushOnShutdown(new ShutdownEvent());
        await(vertx.close());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
