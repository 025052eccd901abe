package dev.apianalytics.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestView;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordingCollectorTest {

    @Test
    void keepsWhatTheUploaderPostsGzippedAndPlain() {
        try (RecordingCollector collector = RecordingCollector.start()) {
            for (boolean gzip : new boolean[] {true, false}) {
                Config config = Config.builder("key-1").serverUrl(collector.url()).privacyLevel(1).gzip(gzip)
                        .flushOnShutdown(false).build();
                try (ApiAnalytics analytics = ApiAnalytics.create(config, "Servlet")) {
                    analytics.record(new FixedView(), 204, "/users/{id}", System.nanoTime(), 1_764_144_930_123L);
                }
            }

            assertThat(collector.batches()).extracting(Batch::gzipped).containsExactly(true, false);
            RecordedRequest record = collector.awaitRecords(2, Duration.ofSeconds(5)).get(0);
            assertThat(record.apiKey()).isEqualTo("key-1");
            assertThat(record.framework()).isEqualTo("Servlet");
            assertThat(record.privacyLevel()).isEqualTo(1);
            assertThat(record.method()).isEqualTo("DELETE");
            assertThat(record.path()).isEqualTo("/users/9");
            assertThat(record.route()).isEqualTo("/users/{id}");
            assertThat(record.hostname()).isEqualTo("api.example.com");
            assertThat(record.ipAddress()).isEqualTo("192.0.2.1");
            assertThat(record.userAgent()).isEqualTo("curl/8.5.0");
            assertThat(record.userId()).isNull();
            assertThat(record.status()).isEqualTo(204);
            assertThat(record.responseTimeMillis()).isGreaterThanOrEqualTo(BigDecimal.ZERO);
            assertThat(record.createdAtText()).isEqualTo("2025-11-26T08:15:30.123Z");

            collector.clear();
            assertThat(collector.records()).isEmpty();
        }
    }

    @Test
    void answersTheConfiguredStatusAndRejectsMalformedBodies() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest malformed = HttpRequest.newBuilder(URI.create(collector.url() + "/api/log-request"))
                    .POST(HttpRequest.BodyPublishers.ofString("{not json")).build();
            assertThat(client.send(malformed, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
            assertThat(collector.errors()).hasSize(1);

            collector.respondWith(503);
            HttpRequest valid = HttpRequest.newBuilder(URI.create(collector.url() + "/api/requests"))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"api_key\":\"k\",\"framework\":\"Javalin\",\"requests\":[{\"path\":\"/\"}]}")).build();
            assertThat(client.send(valid, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            assertThat(collector.batches()).isEmpty();

            collector.respondWith(201);
            assertThat(client.send(valid, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            assertThat(collector.records()).singleElement().satisfies(record -> {
                assertThat(record.privacyLevel()).isZero();
                assertThat(record.path()).isEqualTo("/");
                assertThat(record.status()).isEqualTo(-1);
            });
            assertThatThrownBy(() -> collector.awaitRecords(2, Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("expected at least 2");
        }
    }

    private static final class FixedView implements RequestView {
        private final Map<String, String> headers = Map.of("user-agent", "curl/8.5.0");

        @Override
        public String method() {
            return "delete";
        }

        @Override
        public String path() {
            return "/users/9";
        }

        @Override
        public String host() {
            return "api.example.com";
        }

        @Override
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public String remoteAddress() {
            return "192.0.2.1";
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new IllegalArgumentException("no native request");
        }
    }
}
