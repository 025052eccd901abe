package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each stored ping is counted on /metrics by its result: up, down, failed. */
class MonitorMetricsTest {

    @TempDir
    Path dataDir;

    @Test
    void pingsAreCountedByResult() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).clock(clock).monitorAllowPrivate(true).build());
                TargetServer target = new TargetServer()) {
            Http http = new Http(server.url());
            String key = http.newKey();
            Http.Response created = http.post("/api/monitors", "{\"url\":\"" + target.url("/health")
                    + "\",\"method\":\"GET\",\"intervalSeconds\":30,\"timeoutSeconds\":10}", "X-AUTH-TOKEN", key);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            awaitPings(http, 1, 0, 0);

            target.answerWith(503);
            clock.advance(Duration.ofSeconds(30));
            awaitPings(http, 1, 1, 0);

            target.stop();
            clock.advance(Duration.ofSeconds(30));
            awaitPings(http, 1, 1, 1);
        }
    }

    private static void awaitPings(Http http, int up, int down, int failed) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(http.get("/metrics").body()).contains(
                        "apianalytics_monitor_pings_total{result=\"up\"} " + up + ".0",
                        "apianalytics_monitor_pings_total{result=\"down\"} " + down + ".0",
                        "apianalytics_monitor_pings_total{result=\"failed\"} " + failed + ".0"));
    }
}
