package dev.apianalytics.examples.vertx;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.vertx.ApiAnalyticsHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;

/**
 * A small Vert.x Web API that records its traffic with API Analytics.
 *
 * <pre>
 * API_ANALYTICS_KEY=&lt;key&gt; mvn -pl examples/vertx exec:java
 * curl http://localhost:7071/users/1
 * </pre>
 *
 * Environment: {@code API_ANALYTICS_KEY} (without it the API runs and records nothing),
 * {@code API_ANALYTICS_SERVER_URL} (default {@value Config#DEFAULT_SERVER_URL}), {@code PORT} (default 7071).
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
        Vertx vertx = Vertx.vertx();
        // Ctrl-C closes Vert.x, which flushes what the handler still holds
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "example-api-stop"));
        start(vertx, config, "0.0.0.0", Integer.parseInt(envOr("PORT", "7071")))
                .onSuccess(server -> System.out.println("Example API on http://localhost:" + server.actualPort()))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    vertx.close();
                });
    }

    /** Serves the API on {@code host:port}. */
    public static Future<HttpServer> start(Vertx vertx, Config config, String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(ApiAnalyticsHandler.create(config));
        router.get("/users/:id").handler(ctx -> {
            String name = USERS.get(ctx.pathParam("id"));
            if (name == null) {
                ctx.response().setStatusCode(404).end("no user " + ctx.pathParam("id"));
            } else {
                ctx.json(new JsonObject().put("id", ctx.pathParam("id")).put("name", name));
            }
        });
        router.post("/users").handler(BodyHandler.create())
                .handler(ctx -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(ctx.body().buffer()));
        // completes on a timer; the handler measures it until the response is written
        router.get("/reports/slow").handler(ctx -> vertx.setTimer(150, id -> ctx.end("report")));
        return vertx.createHttpServer().requestHandler(router).listen(port, host);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
