package dev.apianalytics.examples.javalin;

import dev.apianalytics.core.Config;
import dev.apianalytics.javalin.ApiAnalyticsPlugin;
import io.javalin.Javalin;

/** The smallest instrumented Javalin API, as the README shows it. */
public final class MinimalApi {

    private MinimalApi() {}

    public static void main(String[] args) {
        Javalin.create(cfg -> {
            cfg.registerPlugin(new ApiAnalyticsPlugin(Config.builder("<API-KEY>").build())); // Add middleware
            cfg.routes.get("/", ctx -> ctx.result("Hello World!"));
        }).start(7070);
    }
}
