package dev.apianalytics.server.ingest;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key: {@code perMinute} posts as a burst, refilled evenly. In memory, per
 * collector instance (several collectors behind a balancer each allow the full rate).
 */
final class RateLimiter {

    private final int perMinute;
    private final Clock clock;
    private final ConcurrentHashMap<Long, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** 0 when a post is allowed now (and takes a token), else whole seconds to wait. */
    long acquire(long keyId) {
        long now = clock.millis();
        Bucket bucket = buckets.computeIfAbsent(keyId, id -> new Bucket(perMinute, now));
        synchronized (bucket) {
            double refill = (now - bucket.updatedAt) * perMinute / 60_000.0;
            bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, refill));
            bucket.updatedAt = Math.max(bucket.updatedAt, now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            double secondsPerToken = 60.0 / perMinute;
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) * secondsPerToken));
        }
    }

    void forget(long keyId) {
        buckets.remove(keyId);
    }

    private static final class Bucket {
        double tokens;
        long updatedAt;

        Bucket(double tokens, long updatedAt) {
            this.tokens = tokens;
            this.updatedAt = updatedAt;
        }
    }
}
