package dev.apianalytics.core.internal;

import dev.apianalytics.core.UploaderStats.PostOutcome;
import dev.apianalytics.core.UploaderStats.PostTimes;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long the uploader's posts took, by outcome. Written by the uploader's thread once per
 * post; read (a scrape, a JMX read) from any thread, each figure on its own, so a read during
 * a post may see its count before its time. Never touched on the request path.
 */
final class PostDurations {

    private static final PostOutcome[] OUTCOMES = PostOutcome.values();

    private final AtomicLongArray counts = new AtomicLongArray(OUTCOMES.length);
    private final AtomicLongArray totals = new AtomicLongArray(OUTCOMES.length);
    private final AtomicLongArray lasts = new AtomicLongArray(OUTCOMES.length);
    private volatile long last;

    /** Counts one post that began at {@code startNanos} ({@link System#nanoTime()}) and has just ended. */
    void record(PostOutcome outcome, long startNanos) {
        long nanos = Math.max(0, System.nanoTime() - startNanos);
        int i = outcome.ordinal();
        lasts.set(i, nanos);
        totals.addAndGet(i, nanos);
        counts.incrementAndGet(i);
        last = nanos;
    }

    /** Every post, whatever its outcome. */
    PostTimes all() {
        long count = 0;
        long total = 0;
        for (int i = 0; i < OUTCOMES.length; i++) {
            count += counts.get(i);
            total += totals.get(i);
        }
        return count == 0 ? PostTimes.NONE : new PostTimes(count, total, last);
    }

    /** The outcomes seen so far, each with its posts. */
    Map<PostOutcome, PostTimes> byOutcome() {
        Map<PostOutcome, PostTimes> posts = new EnumMap<>(PostOutcome.class);
        for (PostOutcome outcome : OUTCOMES) {
            int i = outcome.ordinal();
            long count = counts.get(i);
            if (count > 0) {
                posts.put(outcome, new PostTimes(count, totals.get(i), lasts.get(i)));
            }
        }
        return posts;
    }
}
