package dev.apianalytics.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.internal.TestCollector;
import dev.apianalytics.core.micrometer.ApiAnalyticsMetrics;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Micrometer meters read the uploader's figures, with the reason of each drop. */
class MetricsTest {

    @Test
    void metersCountRecordsByOutcomeAndDropsByReason() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (TestCollector collector = TestCollector.start()) {
            // nothing leaves the queue until close: a full batch never forms and the timer never fires
            Config config = collector.config().queueCapacity(2).batchSize(100).flushInterval(Duration.ofHours(1)).build();
            ApiAnalytics analytics = ApiAnalytics.create(config, "Metrics test");
            new ApiAnalyticsMetrics(analytics).bindTo(registry);
            for (int i = 0; i < 5; i++) {
                analytics.record(TestRequest.get("/users/" + i), 200, "/users/{id}", System.nanoTime(), System.currentTimeMillis());
            }
            assertThat(registry.get("api_analytics.queue.size").tag("framework", "Metrics test").gauge().value()).isEqualTo(2);
            assertThat(registry.get("api_analytics.queue.capacity").gauge().value()).isEqualTo(2);

            analytics.close();
            analytics.record(TestRequest.get("/late"), 200, null, System.nanoTime(), System.currentTimeMillis());

            assertThat(count(registry, "api_analytics.records", "outcome", "enqueued")).isEqualTo(2);
            assertThat(count(registry, "api_analytics.records", "outcome", "sent")).isEqualTo(2);
            assertThat(count(registry, "api_analytics.records", "outcome", "failed")).isZero();
            assertThat(count(registry, "api_analytics.records", "outcome", "dropped")).isEqualTo(4);
            assertThat(count(registry, "api_analytics.records.dropped", "reason", "queue_full")).isEqualTo(3);
            assertThat(count(registry, "api_analytics.records.dropped", "reason", "closed")).isEqualTo(1);
            assertThat(registry.get("api_analytics.retries").functionCounter().count()).isZero();
            assertThat(registry.get("api_analytics.queue.size").gauge().value()).isZero();

            // the two queued records left in one post at close, which the collector took
            FunctionTimer accepted = registry.get("api_analytics.post.duration").tag("outcome", "accepted").functionTimer();
            assertThat(accepted.count()).isEqualTo(1);
            assertThat(accepted.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            for (String outcome : List.of("refused", "retry", "error")) {
                assertThat(registry.get("api_analytics.post.duration").tag("outcome", outcome).functionTimer().count()).isZero();
            }
        }
    }

    private static double count(MeterRegistry registry, String name, String tag, String value) {
        return registry.get(name).tag(tag, value).functionCounter().count();
    }
}
