package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestView;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import dev.apianalytics.server.storage.StoredRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our own middleware core, unchanged, posting to our collector: every record arrives intact, the
 * first batch in the family's JSON and the later ones in the compact form the collector offers.
 */
class CoreUploaderTest {

    @TempDir
    Path dataDir;

    @Test
    void recordsFromCoresUploaderArriveWithRouteAndPreciseTimes() throws Exception {
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).geoDatabase(TestEnvironment.geoDatabase()).build())) {
            String key = new Http(server.url()).newKey();
            ApiAnalytics analytics = ApiAnalytics.create(Config.builder(key).serverUrl(server.url())
                    .flushInterval(Duration.ofMillis(200)).batchSize(100).build(), "Javalin");
            int count = 250;
            for (int i = 0; i < count; i++) {
                long startNanos = System.nanoTime();
                analytics.record(new View("GET", "/users/" + i, "8.8.8.8"), i % 10 == 0 ? 404 : 200, "/users/{id}",
                        startNanos, System.currentTimeMillis());
            }
            assertThat(analytics.flush(Duration.ofSeconds(30))).isTrue();
            analytics.close();

            long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            List<StoredRequest> rows = new ArrayList<>();
            server.storage().readRequests(keyId, RequestFilter.ALL, 0, 1000, rows::add);
            assertThat(rows).hasSize(count);
            assertThat(rows).extracting(StoredRequest::path).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, count).mapToObj(i -> "/users/" + i).toList());
            assertThat(rows).allSatisfy(row -> {
                assertThat(row.route()).isEqualTo("/users/{id}");
                assertThat(row.framework()).isEqualTo("Javalin");
                assertThat(row.location()).isEqualTo("US");
                assertThat(row.hostname()).isEqualTo("api.example.com");
                assertThat(row.client()).isEqualTo("curl");
                assertThat(row.responseTimeMs()).isGreaterThanOrEqualTo(0).isLessThan(60_000);
            });
            assertThat(rows).filteredOn(row -> row.status() == 404).hasSize(count / 10);
            String scrape = new Http(server.url()).get("/metrics").body();
            assertThat(MetricsContract.value(scrape, "apianalytics_ingest_posts_total", "form", "json"))
                    .as("the first post, before the collector's offer").isEqualTo(1.0);
            assertThat(MetricsContract.value(scrape, "apianalytics_ingest_posts_total", "form", "compact")).isPositive();
        }
    }

    @Test
    void batchesLargerThanTheCollectorsRowLimitArriveWhole() throws Exception {
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).geoDatabase(TestEnvironment.geoDatabase()).maxRowsPerPost(100).build())) {
            String key = new Http(server.url()).newKey();
            int count = 750;
            try (ApiAnalytics analytics = ApiAnalytics.create(Config.builder(key).serverUrl(server.url()).batchSize(250).build(),
                    "Javalin")) {
                for (int i = 0; i < count; i++) {
                    analytics.record(new View("GET", "/users/" + i, "8.8.8.8"), 200, "/users/{id}", System.nanoTime(),
                            System.currentTimeMillis());
                }
                assertThat(analytics.flush(Duration.ofSeconds(30))).isTrue();
                assertThat(analytics.stats().sent()).isEqualTo(count);
                assertThat(analytics.stats().failed()).isZero();
            }

            long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            List<StoredRequest> rows = new ArrayList<>();
            server.storage().readRequests(keyId, RequestFilter.ALL, 0, 1000, rows::add);
            assertThat(rows).extracting(StoredRequest::path).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, count).mapToObj(i -> "/users/" + i).toList());
        }
    }

    @Test
    void aRecordPastTheCollectorsStringLimitIsDroppedAloneAndTheRestOfItsBatchArrives() throws Exception {
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).geoDatabase(TestEnvironment.geoDatabase()).build())) {
            String key = new Http(server.url()).newKey();
            int count = 300;
            String huge = "u".repeat(70_000); // past the 65,536 characters a string may have: the whole post is a 413
            Config config = Config.builder(key).serverUrl(server.url()).batchSize(150)
                    .getUserId(request -> request.path().equals("/users/77") ? huge : null).build();
            try (ApiAnalytics analytics = ApiAnalytics.create(config, "Javalin")) {
                for (int i = 0; i < count; i++) {
                    analytics.record(new View("GET", "/users/" + i, "8.8.8.8"), 200, "/users/{id}", System.nanoTime(),
                            System.currentTimeMillis());
                }
                assertThat(analytics.flush(Duration.ofSeconds(30))).isTrue();
                assertThat(analytics.stats().sent()).isEqualTo(count - 1);
                assertThat(analytics.stats().failed()).isEqualTo(1);
            }

            long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            List<StoredRequest> rows = new ArrayList<>();
            server.storage().readRequests(keyId, RequestFilter.ALL, 0, 1000, rows::add);
            assertThat(rows).extracting(StoredRequest::path).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, count).filter(i -> i != 77).mapToObj(i -> "/users/" + i).toList());
        }
    }

    private record View(String method, String path, String remoteAddress) implements RequestView {
        @Override
        public String host() {
            return "api.example.com";
        }

        @Override
        public String header(String name) {
            return name.equalsIgnoreCase("User-Agent") ? "curl/8.5.0" : null;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            return null;
        }
    }
}
