package dev.apianalytics.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the conformance suite does not cover: sub-routers, reroutes, client resets, closing. */
class VertxAdapterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newHttpClient();
    private RecordingCollector collector;
    private Vertx vertx;

    @BeforeEach
    void start() {
        collector = RecordingCollector.start();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        TestApp.await(vertx.close());
        collector.close();
    }

    private Config config() {
        return Config.builder("6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f")
                .serverUrl(collector.url())
                .flushInterval(Duration.ofMillis(50))
                .flushOnShutdown(false)
                .build();
    }

    private String serve(Router router) throws Exception {
        HttpServer server = TestApp.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        return "http://127.0.0.1:" + server.actualPort();
    }

    private int get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void subRouterRoutesCarryTheMountPointWhenTheHandlerIsAlsoOnTheSubRouter() throws Exception {
        ApiAnalyticsHandler analytics = ApiAnalyticsHandler.create(config());
        Router router = Router.router(vertx);
        router.route().handler(analytics);
        Router api = Router.router(vertx);
        api.route().handler(analytics);
        api.get("/items/:itemId/parts/:part").handler(ctx -> ctx.end(ctx.pathParam("part")));
        api.get("/fail/:id").handler(ctx -> {
            throw new IllegalStateException("the handler fails on purpose");
        });
        router.route("/api/v1/*").subRouter(api);
        Router bare = Router.router(vertx);
        bare.get("/things/:id").handler(ctx -> ctx.end("thing"));
        router.route("/bare/*").subRouter(bare);
        String url = serve(router);

        assertThat(get(url + "/api/v1/items/7/parts/wheel")).isEqualTo(200);
        assertThat(get(url + "/api/v1/fail/3")).isEqualTo(500);
        assertThat(get(url + "/bare/things/1")).isEqualTo(200);

        List<RecordedRequest> records = collector.awaitRecords(3, WAIT);
        assertThat(records).extracting(RecordedRequest::path, RecordedRequest::route, RecordedRequest::status)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("/api/v1/items/7/parts/wheel", "/api/v1/items/{itemId}/parts/{part}", 200),
                        org.assertj.core.groups.Tuple.tuple("/api/v1/fail/3", "/api/v1/fail/{id}", 500),
                        // without the handler on the sub-router, only the mount is known: no template rather than a wrong one
                        org.assertj.core.groups.Tuple.tuple("/bare/things/1", null, 200));
    }

    @Test
    void aReroutedRequestIsRecordedOnce() throws Exception {
        Router router = TestApp.router(vertx, ApiAnalyticsHandler.create(config()));
        router.get("/old-hello").handler(ctx -> ctx.reroute("/hello"));
        String url = serve(router);

        assertThat(get(url + "/old-hello")).isEqualTo(200);
        assertThat(get(url + "/users/1")).isEqualTo(200);

        collector.awaitRecords(2, WAIT);
        TestApp.await(vertx.close());
        assertThat(collector.records()).extracting(RecordedRequest::route).containsExactlyInAnyOrder("/hello", "/users/{id}");
    }

    @Test
    void aResponseTheClientAbandonsIsRecordedWhenTheConnectionCloses() throws Exception {
        Router router = Router.router(vertx);
        router.route().handler(ApiAnalyticsHandler.create(config()));
        router.get("/endless").handler(ctx -> ctx.response().setChunked(true).write("first chunk"));
        String url = serve(router);

        int port = URI.create(url).getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /endless HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        }

        RecordedRequest record = collector.awaitRecords(1, WAIT).get(0);
        assertThat(record.path()).isEqualTo("/endless");
        assertThat(record.route()).isEqualTo("/endless");
    }

    @Test
    void closingVertxFlushesEvenWithoutRequestsWhenCreatedWithIt() throws Exception {
        ApiAnalyticsHandler analytics = ApiAnalyticsHandler.create(vertx, config().toBuilder().flushInterval(Duration.ofHours(1)).build());
        String url = serve(TestApp.router(vertx, analytics));
        assertThat(get(url + "/hello")).isEqualTo(200);
        assertThat(collector.records()).isEmpty();

        TestApp.await(vertx.close());

        assertThat(collector.awaitRecords(1, WAIT)).singleElement().satisfies(record -> assertThat(record.path()).isEqualTo("/hello"));
        assertThat(analytics.analytics().stats().sent()).isEqualTo(1);
    }

    @Test
    void withRouterAllowForwardTheDefaultMapperSeesTheForwardedClient() throws Exception {
        Router router = TestApp.router(vertx, ApiAnalyticsHandler.create(config()));
        router.allowForward(AllowForwardHeaders.X_FORWARD);
        String url = serve(router);

        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/hello")).header("X-Forwarded-For", "203.0.113.7").build();
        assertThat(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

        assertThat(collector.awaitRecords(1, WAIT).get(0).ipAddress()).isEqualTo("203.0.113.7");
    }

    @Test
    void templatesUseBracesAndMatchLikeVertx() {
        assertThat(RouteTemplate.braces("/users/:id")).isEqualTo("/users/{id}");
        assertThat(RouteTemplate.braces("/a/:x_1/b/:y")).isEqualTo("/a/{x_1}/b/{y}");
        assertThat(RouteTemplate.braces("/plain")).isEqualTo("/plain");
        assertThat(RouteTemplate.pattern("/users/:id").matcher("/users/42").matches()).isTrue();
        assertThat(RouteTemplate.pattern("/users/:id").matcher("/users/42/").matches()).isTrue();
        assertThat(RouteTemplate.pattern("/users/:id").matcher("/users/42/x").matches()).isFalse();
        assertThat(RouteTemplate.pattern("/a.b").matcher("/axb").matches()).isFalse();
    }
}
