package dev.apianalytics.javalin;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import dev.apianalytics.testkit.Endpoint;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The plugin on a real Javalin 7 server. */
class JavalinConformanceTest extends AbstractConformanceTest {

    private Javalin app;

    JavalinConformanceTest() {
        super(Options.of("Javalin", Context.class));
    }

    @Override
    protected String startApp(Config config) {
        app = Javalin.start(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.startup.showJavalinBanner = false;
            cfg.registerPlugin(new ApiAnalyticsPlugin(config));
            for (Endpoint endpoint : Endpoint.values()) {
                cfg.routes.addHttpHandler(HandlerType.findOrCreate(endpoint.method()), endpoint.template(), handler(endpoint));
            }
        });
        return "http://127.0.0.1:" + app.port();
    }

    private static Handler handler(Endpoint endpoint) {
        return switch (endpoint) {
            case HELLO -> ctx -> ctx.result(endpoint.body());
            case USER -> ctx -> ctx.result(ctx.pathParam("id"));
            case ECHO -> ctx -> ctx.status(endpoint.status()).result(ctx.body());
            case REDIRECT -> ctx -> ctx.redirect("/hello");
            case BOOM -> ctx -> {
                throw new IllegalStateException("handler failure the conformance suite provokes on purpose");
            };
            case ASYNC -> ctx -> ctx.future(() -> CompletableFuture.runAsync(() -> ctx.result(endpoint.body()),
                    CompletableFuture.delayedExecutor(Endpoint.ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS)));
            case STREAM -> JavalinConformanceTest::stream;
        };
    }

    private static void stream(Context ctx) throws Exception {
        ctx.contentType("application/octet-stream");
        byte[] chunk = new byte[64 * 1024];
        OutputStream out = ctx.outputStream();
        for (int sent = 0; sent < Endpoint.STREAM_BYTES; sent += chunk.length) {
            out.write(chunk);
            out.flush();
        }
    }

    @Override
    protected void stopApp() {
        app.stop();
    }
}
