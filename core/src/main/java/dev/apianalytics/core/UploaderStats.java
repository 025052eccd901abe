package dev.apianalytics.core;

import java.util.Map;
import java.util.Objects;

/**
 * Counters since the uploader started. Every record offered ends up counted once as
 * {@code dropped}, or as {@code enqueued} and then (once settled) as {@code sent},
 * {@code failed} or {@code dropped}.
 *
 * @param enqueued records accepted into the queue
 * @param sent records the collector acknowledged with a 2xx
 * @param dropped records never sent: refused because the queue was full or the uploader
 *     closed, or still queued when {@code close()} reached its deadline
 * @param retried upload attempts that were repeated after a 429, a 5xx or an I/O error
 * @param failed records given up: refused by the collector (a 4xx other than 429), retried
 *     for longer than the configured maximum, or cut off by {@code close()}
 * @param queued records waiting in the queue now
 * @param droppedQueueFull those of the {@code dropped} records refused because the queue was full;
 *     the rest were dropped because the uploader had closed
 * @param posts every post of a batch to the collector (each attempt counts), whatever its outcome
 * @param postsByOutcome the same posts by outcome; an outcome not seen yet is absent
 */
public record UploaderStats(long enqueued, long sent, long dropped, long retried, long failed, int queued, long droppedQueueFull,
        PostTimes posts, Map<PostOutcome, PostTimes> postsByOutcome) {

    public UploaderStats {
        Objects.requireNonNull(posts, "posts must not be null");
        postsByOutcome = Map.copyOf(postsByOutcome);
    }

    /** Counters before any post was made. */
    public UploaderStats(long enqueued, long sent, long dropped, long retried, long failed, int queued, long droppedQueueFull) {
        this(enqueued, sent, dropped, retried, failed, queued, droppedQueueFull, PostTimes.NONE, Map.of());
    }

    /** The posts that ended with {@code outcome}; all zero when none has. */
    public PostTimes posts(PostOutcome outcome) {
        return postsByOutcome.getOrDefault(outcome, PostTimes.NONE);
    }

    /** How one post of a batch (one HTTP request to the collector) ended. */
    public enum PostOutcome {
        /** The collector took the batch (a 2xx). */
        ACCEPTED,
        /** The collector refused it for good: a 4xx other than 429; the batch is given up. */
        REFUSED,
        /** The collector asked for a retry: a 429 or a 5xx. */
        RETRY,
        /** No answer: the connection failed or the request timed out; retried. */
        ERROR
    }

    /**
     * How many posts, and how long they took: from the request's start to the collector's
     * answer (or the failure), the body already encoded.
     *
     * @param count posts made
     * @param totalNanos their durations added up
     * @param lastNanos the duration of the latest one; 0 when none was made
     */
    public record PostTimes(long count, long totalNanos, long lastNanos) {

        /** No post made. */
        public static final PostTimes NONE = new PostTimes(0, 0, 0);

        /** The mean duration in nanoseconds; 0 when no post was made. */
        public double meanNanos() {
            return count == 0 ? 0 : (double) totalNanos / count;
        }
    }
}
