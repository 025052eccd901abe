package dev.apianalytics.javalin;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The plugin on a real Javalin 7 server. */
class JavalinConformanceTest extends AbstractConformanceTest {

    private Javalin app;

    @Override
    protected String startApp(Config config) {
        app = Javalin.start(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.startup.showJavalinBanner = false;
            cfg.registerPlugin(new ApiAnalyticsPlugin(config));
            cfg.routes.get("/hello", ctx -> ctx.result("hello"));
            cfg.routes.get("/users/{id}", ctx -> ctx.result(ctx.pathParam("id")));
            cfg.routes.post("/echo", ctx -> ctx.status(201).result(ctx.body()));
            cfg.routes.get("/redirect", ctx -> ctx.redirect("/hello"));
            cfg.routes.get("/boom", ctx -> {
                throw new IllegalStateException("handler failure the conformance suite provokes on purpose");
            });
            cfg.routes.get("/async", ctx -> ctx.future(() -> CompletableFuture
                    .runAsync(() -> ctx.result("async"), CompletableFuture.delayedExecutor(ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS))));
            cfg.routes.get("/stream", JavalinConformanceTest::stream);
        });
        return "http://127.0.0.1:" + app.port();
    }

    private static void stream(Context ctx) throws Exception {
        ctx.contentType("application/octet-stream");
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        OutputStream out = ctx.outputStream();
        for (int sent = 0; sent < STREAM_BYTES; sent += chunk.length) {
            out.write(chunk);
            out.flush();
        }
    }

    @Override
    protected void stopApp() {
        app.stop();
    }

    @Override
    protected String expectedFramework() {
        return "Javalin";
    }

    @Override
    protected Class<?> nativeRequestType() {
        return Context.class;
    }
}
