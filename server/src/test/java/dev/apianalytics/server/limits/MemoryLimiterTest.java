package dev.apianalytics.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MemoryLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void aBurstOfTheRateThenOneEventPerIntervalPerSubject() {
        MemoryLimiter limiter = new MemoryLimiter(new Rate(30, Duration.ofHours(1)), clock, 1_000);
        for (int i = 0; i < 30; i++) {
            assertThat(limiter.acquire("a")).isZero();
        }
        assertThat(limiter.acquire("a")).as("seconds until the next key").isEqualTo(120);
        assertThat(limiter.acquire("b")).as("another subject has its own bucket").isZero();
        clock.advance(Duration.ofSeconds(119));
        assertThat(limiter.acquire("a")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(120);
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 30; i++) {
            assertThat(limiter.acquire("a")).as("full again after a period").isZero();
        }
        assertThat(limiter.acquire("a")).isPositive();
    }

    @Test
    void refusedEventsDoNotPushTheNextOneFurtherAway() {
        MemoryLimiter limiter = new MemoryLimiter(new Rate(2, Duration.ofMinutes(1)), clock, 1_000);
        limiter.acquire("k");
        limiter.acquire("k");
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.acquire("k")).isEqualTo(30);
        }
        clock.advance(Duration.ofSeconds(30));
        assertThat(limiter.acquire("k")).isZero();
    }

    @Test
    void holdsAtMostItsBoundAndDropsIdleSubjectsAfterAPeriod() {
        MemoryLimiter limiter = new MemoryLimiter(new Rate(5, Duration.ofMinutes(1)), clock, 1_000);
        for (int i = 0; i < 20_000; i++) {
            limiter.acquire("subject-" + i);
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(1_000);
        clock.advance(Duration.ofMinutes(1).plusMillis(1));
        assertThat(limiter.size()).isZero();
    }
}
