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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conformance suite every adapter runs against its real framework. A subclass starts an
 * application instrumented by its adapter with the {@link Config} it is given, serving every
 * {@link Endpoint} on a random port, and returns its base URL ({@code http://127.0.0.1:<port>});
 * the suite drives it over real HTTP and asserts the exact records that reach a
 * {@link RecordingCollector}. {@link #stopApp()} stops the application the way a user's
 * application stops, so that the adapter flushes. Each test starts and stops its own application.
 *
 * <pre>{@code
 * class JavalinConformanceTest extends AbstractConformanceTest {
 *     private Javalin app;
 *
 *     JavalinConformanceTest() {
 *         super(Options.of("Javalin", Context.class));
 *     }
 *
 *     protected String startApp(Config config) {
 *         app = Javalin.start(cfg -> {
 *             cfg.registerPlugin(new ApiAnalyticsPlugin(config));
 *             // ... every Endpoint, see its javadoc
 *         });
 *         return "http://127.0.0.1:" + app.port();
 *     }
 *
 *     protected void stopApp() { app.stop(); }
 * }
 * }</pre>
 *
 * <p>What a framework cannot do is said once, in its {@link Options}. Subclasses may add
 * framework-specific tests with {@link #start}, {@link #request}, {@link #send},
 * {@link #stopAndCollect} and {@link #collector()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractConformanceTest {

    /** The key every test configuration carries. */
    public static final String API_KEY = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
    /** A generous bound for records to arrive; tests finish as soon as they do. */
    protected static final Duration WAIT = Duration.ofSeconds(10);
    /** The user agent of every request {@link #request} builds. */
    protected static final String USER_AGENT = "conformance-suite/1.0 (+https://apianalytics.dev)";

    private final Options options;
    private RecordingCollector collector;
    private HttpClient client;
    private String baseUrl;

    protected AbstractConformanceTest(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Starts the instrumented application and returns its base URL, {@code http://127.0.0.1:<port>}. */
    protected abstract String startApp(Config config) throws Exception;

    /** Stops the application started last, as a user's application stops (the adapter flushes). */
    protected abstract void stopApp() throws Exception;

    /**
     * What the adapter reports and what its framework cannot do: the framework name, the native
     * request type, route templates it reports differently or not at all, endpoints it cannot serve.
     */
    public static final class Options {

        private final String framework;
        private final Class<?> nativeRequestType;
        private final Map<Endpoint, String> routes = new EnumMap<>(Endpoint.class);
        private final Set<Endpoint> unserved = EnumSet.noneOf(Endpoint.class);

        private Options(String framework, Class<?> nativeRequestType) {
            this.framework = Objects.requireNonNull(framework, "framework");
            this.nativeRequestType = Objects.requireNonNull(nativeRequestType, "nativeRequestType");
        }

        /**
         * A framework that serves every endpoint and reports each one's template.
         *
         * @param framework the name the adapter sends: Servlet, Javalin, Vert.x, Micronaut or Quarkus
         * @param nativeRequestType the type {@code RequestView.unwrap} must accept
         */
        public static Options of(String framework, Class<?> nativeRequestType) {
            return new Options(framework, nativeRequestType);
        }

        /** The framework reports {@code route} for {@code endpoint} (a servlet container knows {@code /users/*}). */
        public Options route(Endpoint endpoint, String route) {
            routes.put(endpoint, Objects.requireNonNull(route, "route"));
            return this;
        }

        /** The framework reports no route template for these endpoints. */
        public Options noRoute(Endpoint... endpoints) {
            for (Endpoint endpoint : endpoints) {
                routes.put(endpoint, null);
            }
            return this;
        }

        /** The framework cannot serve these endpoints (no asynchronous responses, say); the suite does not request them. */
        public Options without(Endpoint... endpoints) {
            for (Endpoint endpoint : endpoints) {
                if (endpoint == Endpoint.HELLO || endpoint == Endpoint.USER) {
                    throw new IllegalArgumentException("every framework serves " + endpoint + ": the suite builds on it");
                }
                unserved.add(endpoint);
            }
            return this;
        }

        String route(Endpoint endpoint) {
            return routes.containsKey(endpoint) ? routes.get(endpoint) : endpoint.template();
        }

        Stream<Endpoint> served() {
            return Stream.of(Endpoint.values()).filter(endpoint -> !unserved.contains(endpoint));
        }
    }

    // ---------------------------------------------------------------------------------------
    // The tests of each endpoint, with the default configuration

    Stream<Endpoint> servedEndpoints() {
        return options.served();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servedEndpoints")
    void recordsEachEndpointWithItsStatusAndRoute(Endpoint endpoint) throws Exception {
        start(config().build());
        HttpRequest.BodyPublisher body = endpoint.requestBody() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(endpoint.requestBody());
        HttpResponse<byte[]> response = send(request(endpoint.path()).method(endpoint.method(), body),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(endpoint.status());
        if (endpoint.body() != null) {
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(endpoint.body());
        }

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.method()).isEqualTo(endpoint.method());
        assertThat(record.path()).isEqualTo(endpoint.path());
        assertThat(record.route()).isEqualTo(options.route(endpoint));
        assertThat(record.status()).isEqualTo(endpoint.status());
        assertThat(record.responseTimeMillis()).isPositive();
        switch (endpoint) {
            case REDIRECT -> assertThat(response.headers().firstValue("Location"))
                    .hasValueSatisfying(location -> assertThat(location).endsWith("/hello"));
            // the response cannot be complete before the delayed task ran; stopAndCollect proved it was recorded once
            case ASYNC -> assertThat(record.responseTimeMillis())
                    .isGreaterThanOrEqualTo(BigDecimal.valueOf(Endpoint.ASYNC_DELAY_MILLIS));
            case STREAM -> assertThat(response.body()).hasSize(Endpoint.STREAM_BYTES);
            default -> {
                // status, body and record checked above
            }
        }
    }

    @Test
    void recordsEveryFieldOfASuccessfulRequest() throws Exception {
        String url = start(config().getUserId(RequestMapper.header("X-User-Id")).build());
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> response = send(request("/hello?page=2&sort=name").header("X-User-Id", "user-7"));
        Instant after = Instant.now();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");

        RecordedRequest record = collector().awaitRecords(1, WAIT).get(0);
        assertThat(record.apiKey()).isEqualTo(API_KEY);
        assertThat(record.framework()).isEqualTo(options.framework);
        assertThat(record.privacyLevel()).isZero();
        assertThat(record.method()).isEqualTo("GET");
        assertThat(record.path()).isEqualTo("/hello");
        assertThat(record.route()).isEqualTo(options.route(Endpoint.HELLO));
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.responseTimeMillis()).isPositive();
        assertThat(record.hostname()).isEqualTo(URI.create(url).getAuthority());
        assertThat(record.ipAddress()).isEqualTo("127.0.0.1");
        assertThat(record.userAgent()).isEqualTo(USER_AGENT);
        assertThat(record.userId()).isEqualTo("user-7");
        assertThat(record.createdAt()).isBetween(before, after);
        assertThat(stopAndCollect(1)).hasSize(1);
    }

    @Test
    void recordsAnUnmatchedPathAs404WithoutARoute() throws Exception {
        start(config().build());
        assertThat(send(request("/no-such-route?x=1")).statusCode()).isEqualTo(404);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/no-such-route");
        assertThat(record.route()).isNull();
        assertThat(record.status()).isEqualTo(404);
    }

    @Test
    void recordsAHeadRequest() throws Exception {
        start(config().build());
        HttpResponse<Void> response = send(
                request(Endpoint.HELLO.path()).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.method()).isEqualTo("HEAD");
        assertThat(record.path()).isEqualTo(Endpoint.HELLO.path());
        assertThat(record.status()).isEqualTo(200);
    }

    @Test
    void recordsEachOfManyConcurrentRequestsExactlyOnce() throws Exception {
        start(config().build());
        int count = 40;
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(sendAsync(request("/users/" + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < count; i++) {
            assertThat(responses.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo(String.valueOf(i));
        }

        List<RecordedRequest> records = stopAndCollect(count);
        assertThat(records).extracting(RecordedRequest::path).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, count).mapToObj(i -> "/users/" + i).toList());
        assertThat(records).allSatisfy(record -> assertThat(record.status()).isEqualTo(200));
    }

    // ---------------------------------------------------------------------------------------
    // The tests of the configuration options

    @Test
    void readsTheClientAddressFromXForwardedForWhenConfigured() throws Exception {
        start(config().getIpAddress(RequestMapper.forwardedFor()).build());
        send(request("/hello").header("X-Forwarded-For", "203.0.113.7, 10.0.0.1"));
        send(request("/users/42"));

        List<RecordedRequest> records = stopAndCollect(2);
        assertThat(records).extracting(RecordedRequest::path, RecordedRequest::ipAddress)
                .containsExactlyInAnyOrder(
                        Tuple.tuple("/hello", "203.0.113.7"),
                        Tuple.tuple("/users/42", "127.0.0.1"));
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
        Class<?> type = options.nativeRequestType;
        start(config().getUserId(request -> request.unwrap(type) != null ? "unwrapped" : null).build());
        send(request("/hello"));

        assertThat(stopAndCollect(1).get(0).userId()).isEqualTo("unwrapped");
    }

    @Test
    void postsGzippedJsonInTheFamilyWireFormat() throws Exception {
        start(config().getUserId(request -> "user-1").build());
        send(request("/users/42?tab=posts"));

        stopAndCollect(1);
        Batch batch = collector().batches().get(0);
        assertThat(batch.gzipped()).isTrue();
        assertThat(batch.contentType()).startsWith("application/json");
        assertThat(batch.body().keySet()).containsExactly("api_key", "framework", "privacy_level", "requests");
        assertThat(batch.body().get("api_key").getAsString()).isEqualTo(API_KEY);
        assertThat(batch.body().get("framework").getAsString()).isEqualTo(options.framework);
        assertThat(batch.body().get("privacy_level").getAsInt()).isZero();

        JsonObject record = batch.body().getAsJsonArray("requests").get(0).getAsJsonObject();
        Set<String> fields = new LinkedHashSet<>(List.of("hostname", "ip_address", "path", "user_agent", "method",
                "status", "response_time", "user_id", "created_at"));
        if (options.route(Endpoint.USER) != null) {
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
        assertThat(collector().batches()).singleElement().satisfies(batch -> assertThat(batch.gzipped()).isFalse());
    }

    @Test
    void flushesWhatItRecordedWhenTheApplicationStops() throws Exception {
        start(config().flushInterval(Duration.ofHours(1)).build());
        for (int i = 0; i < 3; i++) {
            assertThat(send(request("/hello")).statusCode()).isEqualTo(200);
        }
        assertThat(collector().records()).as("records sent before the flush interval or the stop").isEmpty();

        stopAppNow();
        assertThat(collector().awaitRecords(3, WAIT)).hasSize(3).allSatisfy(record -> {
            assertThat(record.path()).isEqualTo("/hello");
            assertThat(record.status()).isEqualTo(200);
        });
    }

    @Test
    void recordsNothingForAnExcludedPathAndRecordsItsNeighbour() throws Exception {
        start(config().excludePaths("/users/*", "*.css", "/echo/**").build());
        assertThat(send(request("/users/42?x=1")).body()).isEqualTo("42");
        assertThat(send(request("/static/app.css")).statusCode()).isEqualTo(404);
        assertThat(send(request("/echo").POST(HttpRequest.BodyPublishers.ofString("ping"))).statusCode()).isEqualTo(201);
        assertThat(send(request("/hello")).body()).isEqualTo("hello");
        assertThat(send(request("/app.cssx")).statusCode()).isEqualTo(404);

        // stopping flushes everything queued, so an excluded request recorded by mistake would be here
        assertThat(stopAndCollect(2)).extracting(RecordedRequest::path).containsExactlyInAnyOrder("/hello", "/app.cssx");
    }

    @Test
    void withoutAnApiKeyTheApplicationRunsAndNothingIsSent() throws Exception {
        start(config().apiKey("").build());
        HttpResponse<String> response = send(request("/hello"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");

        stopAppNow();
        assertThat(collector().batches()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------
    // What the tests stand on, for subclasses' own tests too

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
            stopAppNow();
        }
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
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request and reads the body with {@code body}. */
    protected final <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        return client.send(request.build(), body);
    }

    /** Sends a request without waiting for the response. */
    protected final <T> CompletableFuture<HttpResponse<T>> sendAsync(
            HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        return client.sendAsync(request.build(), body);
    }

    /** Stops the application at once, without waiting for records; the suite does not stop it again. */
    protected final void stopAppNow() throws Exception {
        baseUrl = null;
        stopApp();
    }

    /**
     * Waits for {@code expected} records, stops the application (which flushes) and returns
     * every record received, asserting there are exactly {@code expected}: none is recorded twice.
     */
    protected final List<RecordedRequest> stopAndCollect(int expected) throws Exception {
        collector.awaitRecords(expected, WAIT);
        stopAppNow();
        List<RecordedRequest> records = collector.records();
        assertThat(records).as("records after the application stopped").hasSize(expected);
        return records;
    }
}
