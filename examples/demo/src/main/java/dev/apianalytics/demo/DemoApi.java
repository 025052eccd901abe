package dev.apianalytics.demo;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.javalin.ApiAnalyticsPlugin;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** A small shop API, instrumented with one line, that the demo sends traffic to. */
final class DemoApi {

    private DemoApi() {}

    /** The demo API on {@code port}, its inventory unavailable for a ping interval and a half from the first call. */
    static Javalin start(String apiKey, String collectorUrl, int port, Duration pingInterval) {
        // readme:begin javalin-config
        Config config = Config.builder(apiKey)
                .serverUrl(collectorUrl)
                .ipAddress(RequestMapper.forwardedFor())
                .userId(RequestMapper.header("X-User-Id"))
                .flushInterval(Duration.ofSeconds(1))
                .build();
        // readme:end
        return Javalin.create(cfg -> {
            cfg.registerPlugin(new ApiAnalyticsPlugin(config));
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/api/v1/products", ctx -> json(ctx, "{\"products\":3}"));
            cfg.routes.get("/api/v1/products/{id}", ctx -> {
                int id = parse(ctx.pathParam("id"));
                if (id > 900) {
                    json(ctx.status(HttpStatus.NOT_FOUND), "{\"error\":\"no such product\"}");
                } else {
                    json(ctx, "{\"id\":" + id + ",\"name\":\"Product " + id + "\"}");
                }
            });
            cfg.routes.get("/api/v2/products/{id}", ctx -> json(ctx, "{\"id\":" + parse(ctx.pathParam("id")) + ",\"version\":2}"));
            cfg.routes.post("/api/v1/orders", ctx -> {
                if (ctx.header("X-User-Id") == null) {
                    json(ctx.status(HttpStatus.UNAUTHORIZED), "{\"error\":\"sign in first\"}");
                    return;
                }
                json(ctx.status(HttpStatus.CREATED), "{\"order\":" + ThreadLocalRandom.current().nextInt(1, 1_000_000) + "}");
            });
            cfg.routes.get("/api/v1/search", ctx -> ctx.future(() -> CompletableFuture.supplyAsync(
                    () -> {
                        sleep(5 + ThreadLocalRandom.current().nextInt(60));
                        return "{\"results\":10}";
                    }).thenAccept(body -> json(ctx, body))));
            cfg.routes.post("/api/v1/checkout", ctx -> {
                if (ThreadLocalRandom.current().nextInt(10) == 0) {
                    json(ctx.status(HttpStatus.BAD_GATEWAY), "{\"error\":\"payment provider timed out\"}");
                    return;
                }
                json(ctx, "{\"status\":\"paid\"}");
            });
            // fails now and then, as a stock service behind it does, and while that service restarts
            // on the first call: one of the demo's monitors watches it, and alerts when it is down
            StockService stock = new StockService(pingInterval.multipliedBy(3).dividedBy(2));
            cfg.routes.get("/api/v1/inventory", ctx -> {
                if (stock.restarting() || ThreadLocalRandom.current().nextInt(12) == 0) {
                    json(ctx.status(HttpStatus.SERVICE_UNAVAILABLE), "{\"error\":\"stock service unavailable\"}");
                    return;
                }
                json(ctx, "{\"inStock\":" + ThreadLocalRandom.current().nextInt(0, 500) + "}");
            });
            cfg.routes.get("/old-catalogue", ctx -> ctx.redirect("/api/v1/products"));
            cfg.routes.get("/health", ctx -> ctx.result("ok"));
        }).start("127.0.0.1", port);
    }

    /**
     * Unavailable for a ping interval and a half from the first call: the inventory monitor's first
     * two pings (an interval apart) fail and the third succeeds, so the monitoring page shows a
     * "down" and a "recovered" alert within a minute or so of the demo's start.
     */
    private static final class StockService {

        private final Duration restart;
        private Instant restartedAt;

        StockService(Duration restart) {
            this.restart = restart;
        }

        synchronized boolean restarting() {
            if (restartedAt == null) {
                restartedAt = Instant.now();
            }
            return Instant.now().isBefore(restartedAt.plus(restart));
        }
    }

    /** The demo writes its few JSON bodies by hand, so it needs no JSON library. */
    private static void json(Context ctx, String body) {
        ctx.contentType("application/json").result(body);
    }

    private static int parse(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
