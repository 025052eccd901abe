package dev.apianalytics.examples.vertx;

import dev.apianalytics.core.Config;
import dev.apianalytics.vertx.ApiAnalyticsHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The smallest instrumented Vert.x Web API, as the README shows it. */
public final class MinimalApi {

    private MinimalApi() {}

    public static void main(String[] args) {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(ApiAnalyticsHandler.create(Config.builder("<API-KEY>").build())); // Add middleware
        router.get("/").handler(ctx -> ctx.end("Hello World!"));
        vertx.createHttpServer().requestHandler(router).listen(7071);
    }
}
