package dev.apianalytics.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
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
 * <p>The tests of each endpoint are in {@link AbstractEndpointConformanceTest}; this class adds
 * those of the configuration options (client address, privacy levels, mappers, wire format,
 * flush on stop, no API key). Subclasses may add framework-specific tests with {@link #start},
 * {@link #request}, {@link #send}, {@link #stopAndCollect} and {@link #collector()}.
 */
public abstract class AbstractConformanceTest extends AbstractEndpointConformanceTest {

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
        Batch batch = collector().batches().get(0);
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
    void withoutAnApiKeyTheApplicationRunsAndNothingIsSent() throws Exception {
        start(config().apiKey("").build());
        HttpResponse<String> response = send(request("/hello"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");

        stopAppNow();
        assertThat(collector().batches()).isEmpty();
    }
}
