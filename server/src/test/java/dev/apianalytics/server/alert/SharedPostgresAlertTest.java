package dev.apianalytics.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.keys.ApiKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two collectors on one PostgreSQL: both evaluate the same incident at the same moment, both
 * delivery workers look for the same queued delivery, and the receiver hears of it once.
 */
final class SharedPostgresAlertTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void twoCollectorsRacingForOneIncidentDeliverItOnce() throws Exception {
        String url = TestEnvironment.freshPostgresSchemaUrl();
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ServerConfig config = ServerConfig.builder().port(0).bind("127.0.0.1").databaseUrl(url).dbPoolSize(4)
                .clock(clock).monitorAllowPrivate(true).build();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (CollectorServer first = CollectorServer.start(config);
                CollectorServer second = CollectorServer.start(config);
                LocalServer api = new LocalServer();
                LocalServer receiver = new LocalServer()) {
            Http http = new Http(first.url());
            String key = http.newKey();
            assertThat(http.post("/api/alerts/destinations", "{\"url\":\"" + receiver.url("/hook") + "\"}", "X-AUTH-TOKEN", key)
                    .status()).isEqualTo(201);
            api.answerWith(500);
            // an interval so long that the one ping is all there is; the rule is one failure
            assertThat(http.post("/api/alerts/rules", "{\"downAfter\":1}", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
            long keyId = first.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            AlertStore store = new AlertStore(first.storage());
            List<Evaluator> evaluators = List.of(new Evaluator(store, clock, 3),
                    new Evaluator(new AlertStore(second.storage()), clock, 3));
            Http.Response monitor = http.post("/api/monitors", "{\"url\":\"" + api.url("/down")
                    + "\",\"intervalSeconds\":86400,\"timeoutSeconds\":5}", "X-AUTH-TOKEN", key);
            long monitorId = monitor.json().getAsJsonObject().get("id").getAsLong();
            await().atMost(Duration.ofSeconds(20)).until(() -> !store.latestPings(monitorId, 1).isEmpty());

            // both collectors decide the same change at once; the first race makes it, later looks find it made
            for (int round = 0; round < 10; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> racing = new ArrayList<>();
                for (Evaluator evaluator : evaluators) {
                    racing.add(threads.submit(() -> {
                        start.await();
                        evaluator.monitor(keyId, monitorId);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : racing) {
                    future.get(20, TimeUnit.SECONDS);
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/hook").size() >= 1);
            // both delivery workers look every half second: give each several looks
            Thread.sleep(3_000);
            assertThat(receiver.received("/hook")).hasSize(1);
            assertThat(store.deliveries(keyId, 10)).hasSize(1);
            assertThat(store.attempts(keyId, 0)).hasSize(1);
        } finally {
            threads.shutdownNow();
            TestEnvironment.dropSchema(url);
        }
    }
}
