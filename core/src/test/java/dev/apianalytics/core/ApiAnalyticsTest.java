package dev.apianalytics.core;

import dev.apianalytics.core.internal.TestCollector;
import dev.apianalytics.core.internal.CapturedLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiAnalyticsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestCollector collector;

    @BeforeEach
    void startCollector() throws Exception {
        collector = TestCollector.start();
    }

    @AfterEach
    void stopCollector() {
        collector.close();
    }

    @Test
    void aRequestArrivesAsTheRecordAnAdapterDescribed() {
        long startMillis = Instant.parse("2026-11-26T08:15:30.123Z").toEpochMilli();
        try (ApiAnalytics analytics = ApiAnalytics.create(collector.config().build(), "Javalin")) {
            TestRequest request = new TestRequest("get", "/users/42?expand=orders", "198.51.100.4",
                    Map.of("Host", "api.example.com", "User-Agent", "curl/8.5.0"));
            analytics.record(request, 200, "/users/{id}", System.nanoTime() - 1_500_000, startMillis);
            assertThat(analytics.flush(WAIT)).isTrue();
        }

        TestCollector.Post post = collector.posts().get(0);
        assertThat(post.path()).isEqualTo("/api/log-request");
        assertThat(post.body().get("api_key").getAsString()).isEqualTo("test-key");
        assertThat(post.body().get("framework").getAsString()).isEqualTo("Javalin");
        assertThat(post.body().get("privacy_level").getAsInt()).isZero();
        JsonObject record = post.records().get(0);
        assertThat(record.get("hostname").getAsString()).isEqualTo("api.example.com");
        assertThat(record.get("ip_address").getAsString()).isEqualTo("198.51.100.4");
        assertThat(record.get("path").getAsString()).isEqualTo("/users/42");
        assertThat(record.get("route").getAsString()).isEqualTo("/users/{id}");
        assertThat(record.get("user_agent").getAsString()).isEqualTo("curl/8.5.0");
        assertThat(record.get("method").getAsString()).isEqualTo("GET");
        assertThat(record.get("status").getAsInt()).isEqualTo(200);
        assertThat(record.get("response_time").getAsDouble()).isGreaterThanOrEqualTo(1.5);
        assertThat(record.get("user_id").isJsonNull()).isTrue();
        assertThat(record.get("created_at").getAsString()).isEqualTo("2026-11-26T08:15:30.123Z");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void levelsZeroAndOneSendTheAddressFromTheMapper(int level) {
        AtomicInteger calls = new AtomicInteger();
        Config config = collector.config()
                .privacyLevel(level)
                .getIpAddress(request -> {
                    calls.incrementAndGet();
                    return RequestMapper.forwardedFor().map(request);
                })
                .build();
        try (ApiAnalytics analytics = ApiAnalytics.create(config, "Servlet")) {
            analytics.record(new TestRequest("GET", "/", "10.0.0.2",
                    Map.of("X-Forwarded-For", "203.0.113.7, 10.0.0.1")), 200, null, System.nanoTime(), 0);
            assertThat(analytics.flush(WAIT)).isTrue();
        }

        assertThat(calls).hasValue(1);
        assertThat(collector.posts().get(0).body().get("privacy_level").getAsInt()).isEqualTo(level);
        assertThat(collector.accepted().get(0).get("ip_address").getAsString()).isEqualTo("203.0.113.7");
    }

    @Test
    void levelTwoNeverCallsTheAddressMapperAndSendsNoAddress() {
        AtomicInteger calls = new AtomicInteger();
        Config config = collector.config()
                .privacyLevel(PrivacyLevel.NO_IP)
                .getIpAddress(request -> {
                    calls.incrementAndGet();
                    return "203.0.113.7";
                })
                .getUserId(RequestMapper.header("X-User-Id"))
                .build();
        try (ApiAnalytics analytics = ApiAnalytics.create(config, "Servlet")) {
            analytics.record(new TestRequest("GET", "/", "10.0.0.2", Map.of("X-User-Id", "alice")),
                    200, null, System.nanoTime(), 0);
            assertThat(analytics.flush(WAIT)).isTrue();
        }

        assertThat(calls).hasValue(0);
        JsonObject record = collector.accepted().get(0);
        assertThat(record.get("ip_address").isJsonNull()).isTrue();
        assertThat(record.get("user_id").getAsString()).isEqualTo("alice");
        assertThat(collector.posts().get(0).body().get("privacy_level").getAsInt()).isEqualTo(2);
    }

    @Test
    void customMappersReplaceEveryField() {
        Config config = collector.config()
                .getPath(request -> "/v2" + request.path())
                .getHostname(request -> "public.example.com")
                .getUserAgent(request -> "agent")
                .getUserId(request -> request.header("Authorization") == null ? null : "user-1")
                .build();
        try (ApiAnalytics analytics = ApiAnalytics.create(config, "Vert.x")) {
            analytics.record(new TestRequest("POST", "/items", "10.0.0.2", Map.of("Authorization", "Bearer x")),
                    201, null, System.nanoTime(), 0);
            assertThat(analytics.flush(WAIT)).isTrue();
        }

        JsonObject record = collector.accepted().get(0);
        assertThat(record.get("path").getAsString()).isEqualTo("/v2/items");
        assertThat(record.get("hostname").getAsString()).isEqualTo("public.example.com");
        assertThat(record.get("user_agent").getAsString()).isEqualTo("agent");
        assertThat(record.get("user_id").getAsString()).isEqualTo("user-1");
    }

    @Test
    void aThrowingMapperLeavesItsFieldEmptyAndTheRequestIsStillRecorded() {
        Config config = collector.config()
                .getUserId(request -> {
                    throw new IllegalStateException("no session");
                })
                .getIpAddress(request -> {
                    throw new IllegalStateException("no address");
                })
                .build();
        try (ApiAnalytics analytics = ApiAnalytics.create(config, "Micronaut")) {
            analytics.record(TestRequest.get("/"), 200, null, System.nanoTime(), 0);
            assertThat(analytics.flush(WAIT)).isTrue();
        }

        JsonObject record = collector.accepted().get(0);
        assertThat(record.get("user_id").isJsonNull()).isTrue();
        assertThat(record.get("ip_address").isJsonNull()).isTrue();
        assertThat(record.get("path").getAsString()).isEqualTo("/");
    }

    @Test
    void aBrokenRequestViewNeverReachesTheCaller() {
        RequestView broken = new RequestView() {
            public String method() { throw new IllegalStateException("recycled"); }
            public String path() { throw new IllegalStateException("recycled"); }
            public String host() { throw new IllegalStateException("recycled"); }
            public String header(String name) { throw new IllegalStateException("recycled"); }
            public String remoteAddress() { throw new IllegalStateException("recycled"); }
            public <T> T unwrap(Class<T> type) { throw new IllegalArgumentException(); }
        };
        try (ApiAnalytics analytics = ApiAnalytics.create(collector.config().build(), "Quarkus")) {
            analytics.record(broken, 500, null, System.nanoTime(), 0);
            analytics.record(null, 500, null, System.nanoTime(), 0);
            assertThat(analytics.flush(WAIT)).isTrue();
        }
        assertThat(collector.accepted()).hasSize(1);
        assertThat(collector.accepted().get(0).get("status").getAsInt()).isEqualTo(500);
    }

    @Test
    void aBlankKeyDisablesAnalyticsWithOneWarningAndTheAppCarriesOn() {
        try (CapturedLog log = CapturedLog.capture();
                ApiAnalytics analytics = ApiAnalytics.create(collector.config().apiKey(" ").build(), "Javalin")) {
            for (int i = 0; i < 100; i++) {
                analytics.record(TestRequest.get("/"), 200, null, System.nanoTime(), 0);
            }
            assertThat(analytics.enabled()).isFalse();
            assertThat(analytics.flush(WAIT)).isTrue();
            assertThat(analytics.stats()).isEqualTo(new UploaderStats(0, 0, 0, 0, 0, 0, 0));
            assertThat(log.warnings()).hasSize(1);
            assertThat(log.warnings().get(0)).contains("disabled").contains("API key");
        }
        assertThat(collector.posts()).isEmpty();
    }

    @Test
    void aTrackingFailureIsLoggedOnceWithItsStackTraceAndRepeatsWithinAMinuteAreSuppressed() {
        IllegalStateException failure = new IllegalStateException("internal API changed");
        try (CapturedLog log = CapturedLog.capture();
                ApiAnalytics vertx = ApiAnalytics.create(collector.config().build(), "Vert.x");
                ApiAnalytics quarkus = ApiAnalytics.create(collector.config().apiKey("").build(), "Quarkus")) {
            for (int i = 0; i < 100; i++) {
                vertx.reportTrackingFailure(failure);
            }
            vertx.reportTrackingFailure(null);
            quarkus.reportTrackingFailure(failure);

            assertThat(log.warnings()).containsExactly(
                    "API Analytics is disabled: no API key is configured. Generate one on your collector's"
                            + " dashboard and set it to start recording requests.",
                    "API Analytics could not track a Vert.x request; it is served as usual",
                    "API Analytics could not track a Quarkus request; it is served as usual");
            assertThat(log.warningCauses()).containsExactly(null, failure, failure);
        }
    }

    @Test
    void reportingATrackingFailureNeverThrowsEvenWhenLoggingFails() {
        Handler broken = new Handler() {
            @Override
            public void publish(LogRecord record) {
                throw new IllegalStateException("logging backend is down");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("dev.apianalytics");
        try (ApiAnalytics analytics = ApiAnalytics.create(collector.config().build(), "Micronaut")) {
            logger.addHandler(broken);
            assertThatCode(() -> analytics.reportTrackingFailure(new NoSuchMethodError("moved"))).doesNotThrowAnyException();
        } finally {
            logger.removeHandler(broken);
        }
    }

    @Test
    void closeSendsWhatIsQueuedAndLaterRecordsAreCountedAsDropped() {
        ApiAnalytics analytics = ApiAnalytics.create(collector.config().build(), "Javalin");
        for (int i = 0; i < 7; i++) {
            analytics.record(TestRequest.get("/" + i), 200, null, System.nanoTime(), 0);
        }
        analytics.close();
        analytics.close();
        analytics.record(TestRequest.get("/late"), 200, null, System.nanoTime(), 0);

        List<JsonObject> records = collector.accepted();
        assertThat(records).hasSize(7);
        assertThat(analytics.stats().sent()).isEqualTo(7);
        assertThat(analytics.stats().dropped()).isEqualTo(1);
    }
}
