package dev.apianalytics.core.internal;

import java.time.Duration;

/**
 * The most records a post carries, as the collector's 413s taught it: none at first; the size of
 * a half when both halves of a refused post passed, for {@link #LIFETIME}, after which a whole
 * batch is tried again (the collector's limit may have been raised, or the 413 came from a proxy
 * for a while). Not thread-safe: the uploader's thread owns it. Not API.
 */
final class PostSizeLimit {

    /** How long posts keep to a size learnt from a 413. */
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private int limit = Integer.MAX_VALUE;
    private long expiresAt;
    private int lastLearnt;

    /** The limit now: {@link Integer#MAX_VALUE} when there is none. */
    int current(long nowNanos) {
        if (limit != Integer.MAX_VALUE && nowNanos - expiresAt >= 0) {
            limit = Integer.MAX_VALUE;
        }
        return limit;
    }

    /**
     * Both halves of a refused post passed, the larger of {@code half} records: keep to it.
     *
     * @return whether the size is one not learnt before, so worth a warning (not every ten minutes)
     */
    boolean learn(int half, long nowNanos) {
        if (half >= current(nowNanos)) {
            return false;
        }
        limit = half;
        expiresAt = nowNanos + LIFETIME.toNanos();
        boolean isNew = half != lastLearnt;
        lastLearnt = half;
        return isNew;
    }
}
