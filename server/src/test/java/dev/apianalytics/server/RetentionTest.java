package dev.apianalytics.server;

import static dev.apianalytics.server.CollectorProtocolTest.assertCreated;
import static dev.apianalytics.server.CollectorProtocolTest.assertError;
import static dev.apianalytics.server.CollectorProtocolTest.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys idle longer than the retention period disappear with their data; active ones stay. */
class RetentionTest {

    @TempDir
    Path dataDir;

    @Test
    void deletesKeysIdleForTheRetentionPeriodAndKeepsActiveOnes() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).clock(clock).retention(Duration.ofDays(180)).build())) {
            Http http = new Http(server.url());
            String idle = http.newKey();
            String active = http.newKey();
            String row = "{\"path\":\"/a\",\"method\":\"GET\",\"status\":200,\"response_time\":1}";
            assertCreated(http.post("/api/log-request", batch(idle, "Gin", row)), 1, 0);
            assertCreated(http.post("/api/log-request", batch(active, "Gin", row)), 1, 0);
            long idleId = server.storage().findKey(ApiKeys.hash(idle)).orElseThrow();

            clock.advance(Duration.ofDays(100));
            assertCreated(http.post("/api/log-request", batch(active, "Gin", row)), 1, 0);
            assertThat(server.runRetention()).as("nobody idle for 180 days yet").isZero();

            clock.advance(Duration.ofDays(100));
            assertThat(server.runRetention()).isEqualTo(1);

            assertError(http.get("/api/data", "X-AUTH-TOKEN", idle), 401, "key");
            assertThat(server.storage().countRequests(idleId, RequestFilter.ALL)).isZero();
            assertThat(http.get("/api/data", "X-AUTH-TOKEN", active).json().getAsJsonArray()).hasSize(2);

            clock.advance(Duration.ofDays(179));
            assertThat(server.runRetention()).as("reading data is activity too").isZero();
        }
    }
}
