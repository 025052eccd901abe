package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.monitor.MonitorStore.Monitor;
import dev.apianalytics.server.storage.PostgresStorage;
import dev.apianalytics.server.summary.SummaryJob;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two collectors on one PostgreSQL (docs/scaling.md) ping a monitor once per interval between
 * them: each due ping is claimed by one atomic update that only one collector wins.
 */
final class SharedPostgresMonitorTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void twoCollectorsPingOncePerInterval() throws Exception {
        String url = TestEnvironment.freshPostgresSchemaUrl();
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ServerConfig config = ServerConfig.builder().port(0).bind("127.0.0.1").databaseUrl(url).dbPoolSize(4)
                .clock(clock).monitorAllowPrivate(true).build();
        try (CollectorServer first = CollectorServer.start(config);
                CollectorServer second = CollectorServer.start(config);
                TargetServer target = new TargetServer()) {
            Http http = new Http(first.url());
            String key = http.newKey();
            Http.Response created = http.post("/api/monitors", "{\"url\":\"" + target.url("/health")
                    + "\",\"method\":\"GET\",\"intervalSeconds\":30,\"timeoutSeconds\":10}", "X-AUTH-TOKEN", key);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            long id = created.json().getAsJsonObject().get("id").getAsLong();
            MonitorStore store = new MonitorStore(first.storage());

            for (int interval = 1; interval <= 2; interval++) {
                int expected = interval;
                await().atMost(Duration.ofSeconds(20)).until(() -> store.pings(id).size() >= expected);
                // both schedulers look every second: give each a few looks at the same due time
                Thread.sleep(2_500);
                assertThat(target.requests()).as("pings after %d intervals", interval).isEqualTo(interval);
                assertThat(store.pings(id)).hasSize(interval);
                clock.advance(Duration.ofSeconds(30));
            }
        } finally {
            TestEnvironment.dropSchema(url);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void whenBothCollectorsSeeTheSameDuePingOnlyOneClaimsIt() throws Exception {
        // the race the scheduled test rarely hits, made certain: both read the monitor as due, then both claim it
        String url = TestEnvironment.freshPostgresSchemaUrl();
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        // two connection pools as two collectors would have, without their schedulers claiming behind the test's back
        try (PostgresStorage first = PostgresStorage.open(url, 2, SummaryJob.LATE_AFTER); PostgresStorage second = PostgresStorage.open(url, 2, SummaryJob.LATE_AFTER)) {
            first.migrate(MonitorStore.migrations());
            MonitorStore one = new MonitorStore(first);
            MonitorStore other = new MonitorStore(second);
            for (int round = 0; round < 20; round++) {
                Monitor created = one.create(1, "https://api.example.com/" + round, "HEAD", 30, 1_000, clock.instant());
                List<Monitor> seenByOne = one.due(clock.instant(), 64, 64, Set.of());
                List<Monitor> seenByOther = other.due(clock.instant(), 64, 64, Set.of());
                Monitor a = seenByOne.stream().filter(m -> m.id() == created.id()).findFirst().orElseThrow();
                Monitor b = seenByOther.stream().filter(m -> m.id() == created.id()).findFirst().orElseThrow();
                boolean firstWon = one.claim(a, MonitorScheduler.next(a, clock.instant()));
                boolean secondWon = other.claim(b, MonitorScheduler.next(b, clock.instant()));
                assertThat(firstWon).isTrue();
                assertThat(secondWon).isFalse();
            }
        } finally {
            TestEnvironment.dropSchema(url);
        }
    }
}
