package dev.apianalytics.core.micrometer;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.UploaderStats;
import dev.apianalytics.core.UploaderStats.PostOutcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Binds the uploader's figures of one {@link ApiAnalytics} to a {@link MeterRegistry}, after
 * OpenTelemetry's batch span processor. Every meter reads {@link ApiAnalytics#stats()} when the
 * registry is scraped: nothing is done on the request path. Each meter is tagged
 * {@code framework}.
 *
 * <ul>
 *   <li>{@code api_analytics.queue.size} (gauge): records waiting to be sent
 *   <li>{@code api_analytics.queue.capacity} (gauge): the most the queue holds
 *   <li>{@code api_analytics.records} (counter) tagged {@code outcome}: {@code enqueued} (accepted
 *       into the queue), then each record once as {@code sent}, {@code failed} (refused by the
 *       collector or retried too long) or {@code dropped} (queue full, or closed)
 *   <li>{@code api_analytics.records.dropped} (counter) tagged {@code reason}: {@code queue_full}
 *       or {@code closed} (offered after close, or still queued when close reached its deadline)
 *   <li>{@code api_analytics.retries} (counter): upload attempts repeated after a 429, a 5xx or an
 *       I/O error
 *   <li>{@code api_analytics.post.duration} (timer: count and total time) tagged {@code outcome}:
 *       each post of a batch to the collector, {@code accepted}, {@code refused} (a 4xx other than
 *       429), {@code retry} (a 429 or a 5xx) or {@code error} (no answer)
 * </ul>
 *
 * <pre>{@code
 * new ApiAnalyticsMetrics(analytics).bindTo(registry);
 * }</pre>
 */
public final class ApiAnalyticsMetrics implements MeterBinder {

    private final ApiAnalytics analytics;

    public ApiAnalyticsMetrics(ApiAnalytics analytics) {
        this.analytics = Objects.requireNonNull(analytics, "analytics must not be null");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("framework", analytics.framework());
        Gauge.builder("api_analytics.queue.size", analytics, a -> a.stats().queued())
                .description("Records waiting to be sent to the collector").baseUnit("records").tags(tags).register(registry);
        Gauge.builder("api_analytics.queue.capacity", analytics, a -> a.config().queueCapacity())
                .description("The most records the queue holds; beyond it new records are dropped")
                .baseUnit("records").tags(tags).register(registry);
        records(registry, tags, "enqueued", UploaderStats::enqueued);
        records(registry, tags, "sent", UploaderStats::sent);
        records(registry, tags, "failed", UploaderStats::failed);
        records(registry, tags, "dropped", UploaderStats::dropped);
        // a meter of its own: Prometheus wants one set of tag keys per name, and only drops have a reason
        dropped(registry, tags, "queue_full", stats -> stats.droppedQueueFull());
        dropped(registry, tags, "closed", stats -> stats.dropped() - stats.droppedQueueFull());
        FunctionCounter.builder("api_analytics.retries", analytics, a -> a.stats().retried())
                .description("Upload attempts repeated after a 429, a 5xx or an I/O error").tags(tags).register(registry);
        for (PostOutcome outcome : PostOutcome.values()) {
            FunctionTimer.builder("api_analytics.post.duration", analytics,
                            a -> a.stats().posts(outcome).count(), a -> a.stats().posts(outcome).totalNanos(), TimeUnit.NANOSECONDS)
                    .description("Posts of a batch to the collector, by outcome, and the time they took")
                    .tags(tags.and(Tag.of("outcome", outcome.name().toLowerCase(Locale.ROOT)))).register(registry);
        }
    }

    private void dropped(MeterRegistry registry, Tags tags, String reason, ToLongFunction<UploaderStats> count) {
        FunctionCounter.builder("api_analytics.records.dropped", analytics, a -> count.applyAsLong(a.stats()))
                .description("Records never sent, by reason").baseUnit("records")
                .tags(tags.and(Tag.of("reason", reason))).register(registry);
    }

    private void records(MeterRegistry registry, Tags tags, String outcome, ToLongFunction<UploaderStats> count) {
        FunctionCounter.builder("api_analytics.records", analytics, a -> count.applyAsLong(a.stats()))
                .description("Request records by outcome").baseUnit("records")
                .tags(tags.and(Tag.of("outcome", outcome))).register(registry);
    }
}
