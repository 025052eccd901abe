package dev.apianalytics.server.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Limiter} in one process. A subject's state is dropped one period after its last event
 * (it would mean a full bucket by then anyway), and at most {@link #MAX_SUBJECTS} are kept: past
 * that the least used are forgotten, which only forgives them early, so memory stays bounded
 * however many addresses or keys come by.
 */
final class MemoryLimiter implements Limiter {

    /** About 100 bytes each: at most some 10 MB per limiter. */
    static final int MAX_SUBJECTS = 100_000;

    private final Rate rate;
    private final Clock clock;
    private final Cache<String, Long> fullAt;

    MemoryLimiter(Rate rate, Clock clock, int maxSubjects) {
        this.rate = rate;
        this.clock = clock;
        this.fullAt = Caffeine.newBuilder()
                .maximumSize(maxSubjects)
                .expireAfterWrite(rate.period())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    @Override
    public long acquire(String subject) {
        long now = Rate.nowMicros(clock);
        long[] wait = new long[1];
        fullAt.asMap().compute(subject, (s, previous) -> {
            long next = rate.fullAfterEvent(previous == null ? now : previous, now);
            if (rate.allows(next, now)) {
                return next;
            }
            wait[0] = rate.secondsToWait(next, now);
            return previous;
        });
        return wait[0];
    }

    /** How many subjects are held now, after dropping those that expired. */
    long size() {
        fullAt.cleanUp();
        return fullAt.estimatedSize();
    }
}
