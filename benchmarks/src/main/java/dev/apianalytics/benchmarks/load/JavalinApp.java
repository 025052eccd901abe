package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.javalin.ApiAnalyticsPlugin;
import io.javalin.Javalin;

/** A hello-world Javalin 7 app, optionally with {@link ApiAnalyticsPlugin}. */
final class JavalinApp implements LoadServer.App {

    private final Javalin javalin;
    private final ApiAnalytics analytics;

    private JavalinApp(Javalin javalin, ApiAnalytics analytics) {
        this.javalin = javalin;
        this.analytics = analytics;
    }

    static JavalinApp start(Config config) throws Exception {
        ApiAnalyticsPlugin plugin = config == null ? null : new ApiAnalyticsPlugin(config);
        Javalin javalin = Javalin.start(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.startup.showJavalinBanner = false;
            if (plugin != null) {
                cfg.registerPlugin(plugin);
            }
            cfg.routes.get("/hello", ctx -> ctx.result(LoadServer.HELLO));
            cfg.routes.get("/hello/{id}", ctx -> ctx.result(LoadServer.HELLO));
        });
        ApiAnalytics analytics = plugin == null ? null : plugin.analytics();
        if (plugin != null) {
            LoadServer.checkEnabled(analytics);
        }
        return new JavalinApp(javalin, analytics);
    }

    @Override
    public int port() {
        return javalin.port();
    }

    @Override
    public ApiAnalytics analytics() {
        return analytics;
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
