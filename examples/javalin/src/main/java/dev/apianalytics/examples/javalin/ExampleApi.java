package dev.apianalytics.examples.javalin;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.javalin.ApiAnalyticsPlugin;
import io.javalin.Javalin;
import io.javalin.http.NotFoundResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A small Javalin API that records its traffic with API Analytics.
 *
 * <pre>
 * API_ANALYTICS_KEY=&lt;key&gt; mvn -pl examples/javalin exec:java
 * curl http://localhost:7070/users/1
 * </pre>
 *
 * Environment: {@code API_ANALYTICS_KEY} (without it the API runs and records nothing),
 * {@code API_ANALYTICS_SERVER_URL} (default {@value Config#DEFAULT_SERVER_URL}), {@code PORT} (default 7070).
 */
public final class ExampleApi {

    private static final Map<String, String> USERS = Map.of("1", "Ada", "2", "Grace", "3", "Linus");

    private ExampleApi() {}

    public static void main(String[] args) {
        Config config = Config.builder(System.getenv("API_ANALYTICS_KEY"))
                .serverUrl(envOr("API_ANALYTICS_SERVER_URL", Config.DEFAULT_SERVER_URL))
                .ipAddress(RequestMapper.forwardedFor()) // behind a trusted proxy
                .userId(RequestMapper.header("X-User-Id"))
                .build();
        Javalin app = create(config, "0.0.0.0", Integer.parseInt(envOr("PORT", "7070")));
        // Ctrl-C stops the server, which flushes what the plugin still holds
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "example-api-stop"));
        app.start();
    }

    /** The API on {@code host:port}, not yet started. */
    public static Javalin create(Config config, String host, int port) {
        return Javalin.create(cfg -> {
            cfg.jetty.host = host;
            cfg.jetty.port = port;
            cfg.registerPlugin(new ApiAnalyticsPlugin(config));
            cfg.routes.get("/users", ctx -> ctx.result(USERS.values().stream().sorted()
                    .map(name -> "\"" + name + "\"").collect(Collectors.joining(",", "[", "]"))).contentType("application/json"));
            cfg.routes.get("/users/{id}", ctx -> {
                String name = USERS.get(ctx.pathParam("id"));
                if (name == null) {
                    throw new NotFoundResponse("no user " + ctx.pathParam("id"));
                }
                ctx.result("{\"id\":\"" + ctx.pathParam("id") + "\",\"name\":\"" + name + "\"}").contentType("application/json");
            });
            cfg.routes.post("/users", ctx -> ctx.status(201).result(ctx.body()).contentType("application/json"));
            // completes on another thread; the plugin measures it until the response is written
            cfg.routes.get("/reports/slow", ctx -> ctx.future(() -> CompletableFuture.runAsync(
                    () -> ctx.result("report"), CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS))));
        });
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
