package dev.apianalytics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats;
import dev.apianalytics.it.FlakyCollector.Behaviour;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A Javalin app serves steady load while its collector misbehaves for a while, then recovers.
 * The promises: no request fails and every answer is the app's own; the queue never holds
 * more than its capacity; once the collector is healthy, every record that fit in the queue
 * is stored, and the drop counter equals the requests that were not.
 */
@Execution(ExecutionMode.CONCURRENT)
class CollectorTroubleTest {

    static final int REQUESTS_PER_SECOND = 100;
    static final int QUEUE_CAPACITY = 500;
    static final int BATCH_SIZE = 100;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration HEALTHY_BEFORE_AND_AFTER = Duration.ofSeconds(2);
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(90);

    @Test
    void collectorDownForAMinute() throws Exception {
        Outcome outcome = run("down 60 s", Duration.ofSeconds(60), FlakyCollector::down, FlakyCollector::up);

        outcome.assertExactlyOnce();
    }

    @Test
    void collectorAnsweringAfterTheRequestTimeout() throws Exception {
        // it stores each batch, then answers 3 s later: the uploader has given up after 1 s
        Outcome outcome = run("slow: answers after 3 s, request timeout 1 s", Duration.ofSeconds(10),
                collector -> collector.behave(Behaviour.slow(Duration.ofSeconds(3))),
                collector -> collector.behave(Behaviour.HEALTHY));

        // the uploader cannot know a batch it timed out on was stored, so it sends it again, with
        // the same Idempotency-Key: a collector that honours the key stores it once
        assertThat(outcome.collector.resentStoredBatches()).as("stored batches sent again").isPositive();
        outcome.assertExactlyOnce();
    }

    @Test
    void collectorAnswering429WithRetryAfter() throws Exception {
        Outcome outcome = run("429 with Retry-After: 1 for 10 s", Duration.ofSeconds(10),
                collector -> collector.behave(Behaviour.refusing(429, "1")),
                collector -> collector.behave(Behaviour.HEALTHY));

        outcome.assertExactlyOnce();
        assertThat(outcome.collector.posts()).anyMatch(post -> post.behaviour().status() == 429);
    }

    @Test
    void collectorAnswering500() throws Exception {
        Outcome outcome = run("500 for 10 s", Duration.ofSeconds(10),
                collector -> collector.behave(Behaviour.refusing(500, null)),
                collector -> collector.behave(Behaviour.HEALTHY));

        outcome.assertExactlyOnce();
        assertThat(outcome.collector.posts()).anyMatch(post -> post.behaviour().status() == 500);
    }

    static Config config(String collectorUrl) {
        return Config.builder("integration-test-key")
                .serverUrl(collectorUrl)
                .queueCapacity(QUEUE_CAPACITY)
                .batchSize(BATCH_SIZE)
                .flushInterval(Duration.ofMillis(200))
                .requestTimeout(REQUEST_TIMEOUT)
                .initialBackoff(Duration.ofMillis(100))
                .build();
    }

    private static Outcome run(String trouble, Duration troubleFor, Consumer<FlakyCollector> begin,
            Consumer<FlakyCollector> end) throws Exception {
        FlakyCollector collector = FlakyCollector.start();
        ItemsApp app = ItemsApp.start(config(collector.url()));
        ApiAnalytics analytics = app.analytics();
        try (QueueWatch queue = QueueWatch.start(analytics)) {
            SteadyLoad load = SteadyLoad.start(app.url(), REQUESTS_PER_SECOND, 4);
            Thread.sleep(HEALTHY_BEFORE_AND_AFTER.toMillis());
            begin.accept(collector);
            Thread.sleep(troubleFor.toMillis());
            end.accept(collector);
            long recoveredAt = System.nanoTime();
            Thread.sleep(HEALTHY_BEFORE_AND_AFTER.toMillis());
            load.stop();

            Set<String> answered = load.answeredPaths();
            // the plugin records a request just after its response is written
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> analytics.stats().enqueued() + analytics.stats().dropped() >= answered.size());
            await().atMost(RECOVERY_LIMIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                UploaderStats stats = analytics.stats();
                return stats.queued() == 0 && stats.sent() + stats.failed() == stats.enqueued();
            });
            long recoveryMillis = (System.nanoTime() - recoveredAt) / 1_000_000;
            Outcome outcome = new Outcome(trouble, collector, load, answered, analytics.stats(), queue.maxQueued(), recoveryMillis);
            outcome.assertAppUnharmed();
            System.out.println(outcome.figures());
            return outcome;
        } finally {
            app.stop();
            collector.close();
        }
    }

    /** What one run observed. */
    record Outcome(String trouble, FlakyCollector collector, SteadyLoad load, Set<String> answered,
            UploaderStats stats, int maxQueued, long recoveryMillis) {

        Map<String, Integer> storedCounts() {
            return collector.storedCounts();
        }

        Set<String> duplicatedPaths() {
            return storedCounts().entrySet().stream()
                    .filter(entry -> entry.getValue() > 1)
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
        }

        void assertAppUnharmed() {
            assertThat(load.failures()).as("requests that failed or got a changed answer").isEmpty();
            assertThat(answered).hasSize((int) load.sent());
            assertThat(stats.enqueued() + stats.dropped()).as("one record offered per request").isEqualTo(answered.size());
            assertThat(maxQueued).as("largest queue length seen").isLessThanOrEqualTo(QUEUE_CAPACITY);
            assertThat(LogCapture.analyticsFailures()).as("exceptions from analytics code in the app").isEmpty();
        }

        void assertEveryRecordThatFitArrived() {
            Set<String> stored = storedCounts().keySet();
            assertThat(answered).containsAll(stored);
            assertThat(stats.failed()).as("records given up").isZero();
            assertThat(stats.sent()).isEqualTo(stats.enqueued());
            assertThat((long) stored.size()).as("distinct records stored").isEqualTo(stats.enqueued());
            // whether the queue overflowed depends on how fast a loaded machine serves the load;
            // either way every record not stored is one the counter counted
            assertThat(stats.dropped()).as("drop counter").isEqualTo(answered.size() - stored.size());
            Set<String> missing = new HashSet<>(answered);
            missing.removeAll(stored);
            assertThat(missing).hasSize((int) stats.dropped());
        }

        void assertExactlyOnce() {
            assertEveryRecordThatFitArrived();
            assertThat(duplicatedPaths()).as("records stored twice").isEmpty();
        }

        String figures() {
            int storedTotal = collector.storedPaths().size();
            return String.format("FIGURES [%s] requests=%d failed=%d enqueued=%d dropped=%d stored=%d distinct=%d"
                            + " duplicates=%d resentStored=%d maxQueued=%d capacity=%d retried=%d posts=%d recoveredInMs=%d",
                    trouble, answered.size(), load.failures().size(), stats.enqueued(), stats.dropped(), storedTotal,
                    storedCounts().size(), storedTotal - storedCounts().size(), collector.resentStoredBatches(), maxQueued,
                    QUEUE_CAPACITY, stats.retried(), collector.posts().size(), recoveryMillis);
        }
    }
}
