package dev.apianalytics.server.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * At most {@code events} per {@code period}: a burst of that many, then one every
 * {@code period / events}. Kept as the generic cell rate algorithm, so a subject's whole state is
 * one instant, in microseconds since the epoch: when its bucket is full again. An instant in the
 * past means a full bucket, the same as no state at all, so such state can simply be dropped.
 */
public record Rate(int events, Duration period) {

    public Rate {
        if (events <= 0 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate needs positive events and period, was " + events + " per " + period);
        }
    }

    /** Microseconds one event uses up. */
    long intervalMicros() {
        return Math.max(1, period.toNanos() / 1_000 / events);
    }

    /** Microseconds a full bucket holds: a burst of exactly {@code events}. */
    long burstMicros() {
        return intervalMicros() * events;
    }

    /** When the bucket is full again after one more event, given when it was ({@code fullAt}). */
    long fullAfterEvent(long fullAt, long now) {
        return Math.max(fullAt, now) + intervalMicros();
    }

    /** Whether the bucket may reach {@code fullAt} now: whether it holds the event. */
    boolean allows(long fullAt, long now) {
        return fullAt - now <= burstMicros();
    }

    /** Whole seconds, at least 1, until an event that would bring the bucket to {@code fullAt} is allowed. */
    long secondsToWait(long fullAt, long now) {
        long micros = fullAt - burstMicros() - now;
        return Math.max(1, (micros + 999_999) / 1_000_000);
    }

    static long nowMicros(Clock clock) {
        return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, clock.instant());
    }
}
