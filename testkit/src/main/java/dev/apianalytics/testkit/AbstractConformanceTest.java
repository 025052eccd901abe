package dev.apianalytics.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conformance suite every adapter runs against its real framework. A subclass starts an
 * application instrumented by its adapter with the {@link Config} it is given, on a random
 * port, and returns its base URL ({@code http://127.0.0.1:<port>}); the suite drives it over
 * real HTTP and asserts the exact records that reach a {@link RecordingCollector}.
 *
 * <p>The application must serve these endpoints:
 * <table>
 * <caption>endpoints of the test application</caption>
 * <tr><th>request</th><th>answer</th><th>route template</th></tr>
 * <tr><td>{@code GET /hello}</td><td>200, text {@code hello}</td><td>{@code /hello}</td></tr>
 * <tr><td>{@code HEAD /hello}</td><td>200, no body</td><td>{@code /hello}</td></tr>
 * <tr><td>{@code GET /users/{id}}</td><td>200, text: the id</td><td>{@code /users/{id}}</td></tr>
 * <tr><td>{@code POST /echo}</td><td>201, the request body echoed</td><td>{@code /echo}</td></tr>
 * <tr><td>{@code GET /redirect}</td><td>302 with {@code Location: /hello}</td><td>{@code /redirect}</td></tr>
 * <tr><td>{@code GET /boom}</td><td>the handler throws a {@code RuntimeException}: the framework answers 500</td>
 *     <td>{@code /boom}</td></tr>
 * <tr><td>{@code GET /async}</td><td>200, text {@code async}, completed asynchronously at least
 *     {@value #ASYNC_DELAY_MILLIS} ms after the handler ran (a scheduled task, a future)</td><td>{@code /async}</td></tr>
 * <tr><td>{@code GET /stream}</td><td>200, {@value #STREAM_BYTES} bytes written in chunks of at most 64 KiB</td>
 *     <td>{@code /stream}</td></tr>
 * <tr><td>any other path, such as {@code GET /no-such-route}</td><td>404</td><td>none</td></tr>
 * </table>
 *
 * <p>Route templates differ between frameworks (a servlet container knows {@code /users/*});
 * override {@link #expectedRoute(String)} to say what the framework reports.
 * {@link #stopApp()} must stop the application the way a user's application stops, so that
 * the adapter flushes what it recorded. Each test starts and stops its own application.
 *
 * <pre>{@code
 * class JavalinConformanceTest extends AbstractConformanceTest {
 *     private Javalin app;
 *
 *     protected String startApp(Config config) {
 *         app = Javalin.start(cfg -> {
 *             cfg.jetty.host = "127.0.0.1";
 *             cfg.jetty.port = 0;
 *             cfg.registerPlugin(new ApiAnalyticsPlugin(config));
 *             cfg.routes.get("/hello", ctx -> ctx.result("hello"));
 *             // ... the other endpoints of the table
 *         });
 *         return "http://127.0.0.1:" + app.port();
 *     }
 *
 *     protected void stopApp() { app.stop(); }
 *     protected String expectedFramework() { return "Javalin"; }
 *     protected Class<?> nativeRequestType() { return Context.class; }
 * }
 * }</pre>
 *
 * <p>Subclasses may add framework-specific tests with {@link #start}, {@link #request},
 * {@link #send}, {@link #stopAndCollect} and {@link #collector()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractConformanceTest {

    /** The key every test configuration carries. */
    public static final String API_KEY = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
    /** The size of the {@code /stream} body. */
    public static final int STREAM_BYTES = 1 << 20;
    /** The least time {@code /async} takes to complete. */
    public static final long ASYNC_DELAY_MILLIS = 100;
    /** A generous bound for records to arrive; tests finish as soon as they do. */
    protected static final Duration WAIT = Duration.ofSeconds(10);

    private static final String USER_AGENT = "conformance-suite/1.0 (+https://apianalytics.dev)";

    private RecordingCollector collector;
    private HttpClient client;
    private String baseUrl;

    /** Starts the instrumented application and returns its base URL, {@code http://127.0.0.1:<port>}. */
    protected abstract String startApp(Config config) throws Exception;

    /** Stops the application started last, as a user's application stops (the adapter flushes). */
    protected abstract void stopApp() throws Exception;

    /** The framework name the adapter sends: Servlet, Javalin, Vert.x, Micronaut or Quarkus. */
    protected abstract String expectedFramework();

    /** The type {@code RequestView.unwrap} must accept: the framework's native request. */
    protected abstract Class<?> nativeRequestType();

    /**
     * The route template the adapter must send for a request to {@code path}, or {@code null}
     * when it must send none. The default is the table in the class description.
     */
    protected String expectedRoute(String path) {
        switch (path) {
            case "/hello":
            case "/echo":
            case "/redirect":
            case "/boom":
            case "/async":
            case "/stream":
                return path;
            case "/users/42":
                return "/users/{id}";
            default:
                return null;
        }
    }

    @BeforeAll
    final void startCollector() {
        collector = RecordingCollector.start();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    final void stopCollector() {
        collector.close();
    }

    @BeforeEach
    final void forgetEarlierRecords() {
        collector.clear();
    }

    @AfterEach
    final void stopAppIfRunning() throws Exception {
        if (baseUrl != null) {
            baseUrl = null;
            stopApp();
        }
    }

    @Test
    void recordsEveryFieldOfASuccessfulRequest() throws Exception {
        start(config().getUserId(RequestMapper.header("X-User-Id")).build());
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> response = send(request("/hello?page=2&sort=name").header("X-User-Id", "user-7"));
        Instant after = Instant.now();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");

        RecordedRequest record = collector.awaitRecords(1, WAIT).get(0);
        assertThat(record.apiKey()).isEqualTo(API_KEY);
        assertThat(record.framework()).isEqualTo(expectedFramework());
        assertThat(record.privacyLevel()).isZero();
        assertThat(record.method()).isEqualTo("GET");
        assertThat(record.path()).isEqualTo("/hello");
        assertThat(record.route()).isEqualTo(expectedRoute("/hello"));
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.responseTimeMillis()).isPositive();
        assertThat(record.hostname()).isEqualTo(URI.create(baseUrl).getAuthority());
        assertThat(record.ipAddress()).isEqualTo("127.0.0.1");
        assertThat(record.userAgent()).isEqualTo(USER_AGENT);
        assertThat(record.userId()).isEqualTo("user-7");
        assertThat(record.createdAt()).isBetween(before, after);
        assertThat(stopAndCollect(1)).hasSize(1);
    }

    @Test
    void recordsThePathParameterRouteTemplate() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/users/42"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("42");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/users/42");
        assertThat(record.route()).isEqualTo(expectedRoute("/users/42"));
        assertThat(record.status()).isEqualTo(200);
    }

    @Test
    void recordsAPostWithABody() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/echo").POST(HttpRequest.BodyPublishers.ofString("ping")));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("ping");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.method()).isEqualTo("POST");
        assertThat(record.path()).isEqualTo("/echo");
        assertThat(record.route()).isEqualTo(expectedRoute("/echo"));
        assertThat(record.status()).isEqualTo(201);
    }

    @Test
    void recordsARedirect() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/redirect"));
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/hello"));

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/redirect");
        assertThat(record.route()).isEqualTo(expectedRoute("/redirect"));
        assertThat(record.status()).isEqualTo(302);
    }

    @Test
    void recordsAnUnmatchedPathAs404() throws Exception {
        start(config().build());
        assertThat(send(request("/no-such-route?x=1")).statusCode()).isEqualTo(404);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/no-such-route");
        assertThat(record.route()).isEqualTo(expectedRoute("/no-such-route"));
        assertThat(record.status()).isEqualTo(404);
    }

    @Test
    void recordsAThrowingHandlerAs500() throws Exception {
        start(config().build());
        assertThat(send(request("/boom")).statusCode()).isEqualTo(500);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/boom");
        assertThat(record.route()).isEqualTo(expectedRoute("/boom"));
        assertThat(record.status()).isEqualTo(500);
    }

    @Test
    void measuresAnAsyncResponseUntilItCompletesAndRecordsItOnce() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/async"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("async");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/async");
        assertThat(record.route()).isEqualTo(expectedRoute("/async"));
        assertThat(record.status()).isEqualTo(200);
        // the response cannot be complete before the delayed task ran
        assertThat(record.responseTimeMillis()).isGreaterThanOrEqualTo(BigDecimal.valueOf(ASYNC_DELAY_MILLIS));
    }

    @Test
    void recordsALargeStreamedResponse() throws Exception {
        start(config().build());
        HttpResponse<byte[]> response = client.send(request("/stream").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(STREAM_BYTES);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/stream");
        assertThat(record.route()).isEqualTo(expectedRoute("/stream"));
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.responseTimeMillis()).isPositive();
    }

    @Test
    void recordsAHeadRequest() throws Exception {
        start(config().build());
        HttpResponse<Void> response = client.send(
                request("/hello").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.method()).isEqualTo("HEAD");
        assertThat(record.path()).isEqualTo("/hello");
        assertThat(record.status()).isEqualTo(200);
    }

    @Test
    void recordsEachOfManyConcurrentRequestsExactlyOnce() throws Exception {
        start(config().build());
        int count = 40;
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> responses = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(client.sendAsync(request("/users/" + i).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < count; i++) {
            assertThat(responses.get(i).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).body())
                    .isEqualTo(String.valueOf(i));
        }

        List<RecordedRequest> records = stopAndCollect(count);
        assertThat(records).extracting(RecordedRequest::path).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, count).mapToObj(i -> "/users/" + i).toList());
        assertThat(records).allSatisfy(record -> assertThat(record.status()).isEqualTo(200));
    }

    @Test
    void readsTheClientAddressFromXForwardedForWhenConfigured() throws Exception {
        start(config().getIpAddress(RequestMapper.forwardedFor()).build());
        send(request("/hello").header("X-Forwarded-For", "203.0.113.7, 10.0.0.1"));
        send(request("/users/42"));

        List<RecordedRequest> records = stopAndCollect(2);
        assertThat(records).extracting(RecordedRequest::path, RecordedRequest::ipAddress)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("/hello", "203.0.113.7"),
                        org.assertj.core.groups.Tuple.tuple("/users/42", "127.0.0.1"));
    }

    @Test
    void usesACustomIpMapper() throws Exception {
        start(config().getIpAddress(request -> request.header("X-Client-Ip")).build());
        send(request("/hello").header("X-Client-Ip", "198.51.100.23"));

        assertThat(stopAndCollect(1).get(0).ipAddress()).isEqualTo("198.51.100.23");
    }

    @ParameterizedTest(name = "privacy level {0}")
    @ValueSource(ints = {0, 1, 2})
    void honoursThePrivacyLevel(int level) throws Exception {
        AtomicInteger ipMapperCalls = new AtomicInteger();
        start(config().privacyLevel(level).getIpAddress(request -> {
            ipMapperCalls.incrementAndGet();
            return request.remoteAddress();
        }).getUserId(request -> "user-" + level).build());
        assertThat(send(request("/hello")).body()).isEqualTo("hello");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.privacyLevel()).isEqualTo(level);
        assertThat(record.userId()).isEqualTo("user-" + level);
        if (level == 2) {
            JsonObject json = record.json();
            assertThat(json.has("ip_address") && !json.get("ip_address").isJsonNull())
                    .as("an IP address on the wire at privacy level 2: %s", json).isFalse();
            assertThat(ipMapperCalls).as("IP mapper calls at privacy level 2").hasValue(0);
        } else {
            assertThat(record.ipAddress()).isEqualTo("127.0.0.1");
            assertThat(ipMapperCalls).hasValue(1);
        }
    }

    @Test
    void aThrowingMapperLeavesItsFieldEmptyAndTheResponseUnchanged() throws Exception {
        RequestMapper broken = request -> {
            throw new IllegalStateException("mapper failure the suite provokes on purpose");
        };
        start(config().getHostname(broken).getUserAgent(broken).getUserId(broken).build());
        HttpResponse<String> response = send(request("/users/42"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("42");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.hostname()).isEmpty();
        assertThat(record.userAgent()).isEmpty();
        assertThat(record.userId()).isNull();
        assertThat(record.path()).isEqualTo("/users/42");
        assertThat(record.ipAddress()).isEqualTo("127.0.0.1");
        assertThat(record.status()).isEqualTo(200);
    }

    @Test
    void mappersCanUnwrapTheNativeRequest() throws Exception {
        Class<?> type = nativeRequestType();
        start(config().getUserId(request -> request.unwrap(type) != null ? "unwrapped" : null).build());
        send(request("/hello"));

        assertThat(stopAndCollect(1).get(0).userId()).isEqualTo("unwrapped");
    }

    @Test
    void postsGzippedJsonInTheFamilyWireFormat() throws Exception {
        start(config().getUserId(request -> "user-1").build());
        send(request("/users/42?tab=posts"));

        stopAndCollect(1);
        Batch batch = collector.batches().get(0);
        assertThat(batch.gzipped()).isTrue();
        assertThat(batch.contentType()).startsWith("application/json");
        assertThat(batch.body().keySet()).containsExactly("api_key", "framework", "privacy_level", "requests");
        assertThat(batch.body().get("api_key").getAsString()).isEqualTo(API_KEY);
        assertThat(batch.body().get("framework").getAsString()).isEqualTo(expectedFramework());
        assertThat(batch.body().get("privacy_level").getAsInt()).isZero();

        JsonObject record = batch.body().getAsJsonArray("requests").get(0).getAsJsonObject();
        Set<String> fields = new LinkedHashSet<>(List.of("hostname", "ip_address", "path", "user_agent", "method",
                "status", "response_time", "user_id", "created_at"));
        if (expectedRoute("/users/42") != null) {
            fields.add("route");
        }
        assertThat(record.keySet()).containsExactlyInAnyOrderElementsOf(fields);
        assertThat(record.get("response_time").getAsJsonPrimitive().isNumber()).isTrue();
        assertThat(record.get("response_time").getAsString()).matches("\\d+\\.\\d{3}");
        assertThat(record.get("status").getAsJsonPrimitive().isNumber()).isTrue();
        assertThat(record.get("created_at").getAsString()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(record.get("path").getAsString()).isEqualTo("/users/42");
        assertThat(record.get("method").getAsString()).isEqualTo("GET");
    }

    @Test
    void postsPlainJsonWhenGzipIsOff() throws Exception {
        start(config().gzip(false).build());
        send(request("/hello"));

        assertThat(stopAndCollect(1).get(0).path()).isEqualTo("/hello");
        assertThat(collector.batches()).singleElement().satisfies(batch -> assertThat(batch.gzipped()).isFalse());
    }

    @Test
    void flushesWhatItRecordedWhenTheApplicationStops() throws Exception {
        start(config().flushInterval(Duration.ofHours(1)).build());
        for (int i = 0; i < 3; i++) {
            assertThat(send(request("/hello")).statusCode()).isEqualTo(200);
        }
        assertThat(collector.records()).as("records sent before the flush interval or the stop").isEmpty();

        baseUrl = null;
        stopApp();
        assertThat(collector.awaitRecords(3, WAIT)).hasSize(3).allSatisfy(record -> {
            assertThat(record.path()).isEqualTo("/hello");
            assertThat(record.status()).isEqualTo(200);
        });
    }

    @Test
    void withoutAnApiKeyTheApplicationRunsAndNothingIsSent() throws Exception {
        start(config().apiKey("").build());
        HttpResponse<String> response = send(request("/hello"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");

        baseUrl = null;
        stopApp();
        assertThat(collector.batches()).isEmpty();
    }

    /** The collector the applications post to. */
    protected final RecordingCollector collector() {
        return collector;
    }

    /** A configuration posting to the collector, flushing every 50 ms, without a shutdown hook. */
    protected final Config.Builder config() {
        return Config.builder(API_KEY)
                .serverUrl(collector.url())
                .flushInterval(Duration.ofMillis(50))
                .maxRetryDuration(Duration.ofSeconds(5))
                .shutdownTimeout(Duration.ofSeconds(5))
                .flushOnShutdown(false);
    }

    /** Starts the application through {@link #startApp}; the suite stops it after the test. */
    protected final String start(Config config) throws Exception {
        String url = startApp(config);
        assertThat(url).as("startApp must return http://127.0.0.1:<port>").matches("http://127\\.0\\.0\\.1:\\d+");
        baseUrl = url;
        return url;
    }

    /** A request to the running application, with the suite's user agent. */
    protected final HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header("User-Agent", USER_AGENT);
    }

    /** Sends a request and reads the body as text. */
    protected final HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits for {@code expected} records, stops the application (which flushes) and returns
     * every record received, asserting there are exactly {@code expected}: none is recorded twice.
     */
    protected final List<RecordedRequest> stopAndCollect(int expected) throws Exception {
        collector.awaitRecords(expected, WAIT);
        baseUrl = null;
        stopApp();
        List<RecordedRequest> records = collector.records();
        assertThat(records).as("records after the application stopped").hasSize(expected);
        return records;
    }
}
