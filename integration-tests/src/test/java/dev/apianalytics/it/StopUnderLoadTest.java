package dev.apianalytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The app stops normally while it serves steady load. With the collector up, every record
 * accepted before the stop has arrived when {@code stop()} returns; with the collector down,
 * the stop still ends within the configured shutdown deadline and every unsent record is counted.
 */
class StopUnderLoadTest {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LOAD_BEFORE_STOP = Duration.ofSeconds(3);

    private static Config config(String collectorUrl) {
        return Config.builder("integration-test-key")
                .serverUrl(collectorUrl)
                // nothing is sent before the stop: the stop has to send it all
                .flushInterval(Duration.ofMinutes(1))
                .shutdownTimeout(SHUTDOWN_TIMEOUT)
                .initialBackoff(Duration.ofMillis(100))
                .build();
    }

    @Test
    void recordsAcceptedBeforeTheStopArriveBeforeStopReturns() throws Exception {
        try (FlakyCollector collector = FlakyCollector.start()) {
            ItemsApp app = ItemsApp.start(config(collector.url()));
            ApiAnalytics analytics = app.analytics();
            SteadyLoad load = SteadyLoad.start(app.url(), CollectorTroubleTest.REQUESTS_PER_SECOND, 4);
            Thread.sleep(LOAD_BEFORE_STOP.toMillis());

            Set<String> answeredBeforeStop = load.answeredPaths();
            long stopMillis = timeMillis(app::stop);
            // read at once: the promise is that the records are there when stop() returns
            Map<String, Integer> stored = collector.storedCounts();
            UploaderStats stats = analytics.stats();
            load.stop();

            assertThat(collector.posts()).as("posts made by the stop").isNotEmpty();
            assertThat(stored.keySet()).containsAll(answeredBeforeStop);
            assertThat(stored.values()).as("times each record was stored").containsOnly(1);
            assertThat(stats.queued()).isZero();
            assertThat(stats.failed()).isZero();
            assertThat(stats.sent()).isEqualTo(stats.enqueued()).isEqualTo(stored.size());
            assertThat(stats.sent() + stats.dropped()).as("every request Javalin logged is stored or counted as dropped")
                    .isEqualTo(app.loggedRequests());
            assertThat(LogCapture.analyticsFailures()).isEmpty();
            System.out.printf("FIGURES [stop under load, collector up] answeredBeforeStop=%d stored=%d dropped=%d"
                            + " loggedByApp=%d stopMs=%d shutdownTimeoutMs=%d%n",
                    answeredBeforeStop.size(), stored.size(), stats.dropped(), app.loggedRequests(), stopMillis,
                    SHUTDOWN_TIMEOUT.toMillis());
        }
    }

    @Test
    void theAppStopsWithinTheDeadlineWhenTheCollectorIsDown() throws Exception {
        try (FlakyCollector collector = FlakyCollector.start()) {
            ItemsApp app = ItemsApp.start(config(collector.url()));
            ApiAnalytics analytics = app.analytics();
            SteadyLoad load = SteadyLoad.start(app.url(), CollectorTroubleTest.REQUESTS_PER_SECOND, 4);
            Thread.sleep(LOAD_BEFORE_STOP.toMillis());

            collector.down();
            Set<String> answeredBeforeStop = load.answeredPaths();
            long stopMillis = timeMillis(app::stop);
            UploaderStats stats = analytics.stats();
            load.stop();

            // a generous bound: the point is that stop() ends instead of retrying for maxRetryDuration (10 min)
            assertThat(Duration.ofMillis(stopMillis)).isLessThan(SHUTDOWN_TIMEOUT.plusSeconds(10));
            assertThat(collector.posts()).isEmpty();
            assertThat(stats.queued()).isZero();
            assertThat(stats.sent()).isZero();
            assertThat(stats.failed() + stats.dropped()).as("every request Javalin logged is counted as failed or dropped")
                    .isEqualTo(app.loggedRequests())
                    .isGreaterThanOrEqualTo(answeredBeforeStop.size());
            assertThat(LogCapture.analyticsFailures()).isEmpty();
            System.out.printf("FIGURES [stop under load, collector down] answeredBeforeStop=%d failed=%d dropped=%d"
                            + " loggedByApp=%d stopMs=%d shutdownTimeoutMs=%d%n",
                    answeredBeforeStop.size(), stats.failed(), stats.dropped(), app.loggedRequests(), stopMillis,
                    SHUTDOWN_TIMEOUT.toMillis());
        }
    }

    private static long timeMillis(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
