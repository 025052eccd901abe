package dev.apianalytics.core.internal;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import java.util.List;
import java.util.Objects;

/**
 * Hooks for this project's benchmarks and tests, so that they need not share core's package.
 * Not API. {@link ApiAnalytics} hands over its package-private factory when its class loads.
 */
public final class Seams {

    /** Builds an {@link ApiAnalytics} over a given uploader. */
    @FunctionalInterface
    public interface AnalyticsFactory {
        ApiAnalytics create(Config config, String framework, Uploader uploader);
    }

    private static volatile AnalyticsFactory analyticsFactory;

    private Seams() {}

    /** Called once, by {@link ApiAnalytics}' class initialiser. */
    public static void analyticsFactory(AnalyticsFactory factory) {
        if (analyticsFactory != null) {
            throw new IllegalStateException("the analytics factory is set once, by ApiAnalytics");
        }
        analyticsFactory = Objects.requireNonNull(factory);
    }

    /**
     * Analytics whose uploader takes each batch off its queue and drops it unread instead of
     * posting it, so that a benchmark measures the request path alone.
     */
    public static ApiAnalytics discardingAnalytics(Config config, String framework) {
        try {
            Class.forName(ApiAnalytics.class.getName(), true, ApiAnalytics.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return analyticsFactory.create(config, framework, new Uploader(config, framework, true));
    }

    /** A queue like the uploader's, holding at most {@code capacity} records, for benchmarks of what its thread reads. */
    public static Queue queue(int capacity) {
        return new Queue(new RecordQueue(capacity, capacity));
    }

    /** The uploader's queue, as request threads and the uploader's thread use it. */
    public static final class Queue {
        private final RecordQueue queue;

        private Queue(RecordQueue queue) {
            this.queue = queue;
        }

        /** Copies the record in, as a request thread does; whether there was room. */
        public boolean offer(RequestRecord record) {
            return queue.offer(record) > 0;
        }

        /** Rebuilds up to {@code max} records, oldest first, into {@code batch}, as the uploader's thread does. */
        public int take(List<RequestRecord> batch, int max) {
            return queue.take(batch, max);
        }
    }
}
