package dev.apianalytics.core.internal;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the uploader waits between attempts of one batch, and for how long it keeps trying:
 * exponential backoff with jitter, unless the collector names a wait in {@code Retry-After}.
 */
final class RetryPolicy {

    // short enough that uploads resume within seconds of an outage ending, before the queue fills
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private final Duration initialBackoff;
    private final Duration backoffCap;
    private final Duration maxRetryDuration;

    RetryPolicy(Duration initialBackoff, Duration maxRetryDuration) {
        this.initialBackoff = initialBackoff;
        // a configured initial backoff above the cap is honoured rather than cut down
        this.backoffCap = MAX_BACKOFF.compareTo(initialBackoff) > 0 ? MAX_BACKOFF : initialBackoff;
        this.maxRetryDuration = maxRetryDuration;
    }

    Duration initialBackoff() {
        return initialBackoff;
    }

    /** How long one batch may be retried before it is given up. */
    Duration maxRetryDuration() {
        return maxRetryDuration;
    }

    /** The backoff after {@code backoff}: doubled, up to the cap. */
    Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(backoffCap) > 0 ? backoffCap : doubled;
    }

    static Duration jitter(Duration backoff) {
        // a random wait between half and the whole backoff spreads the retries of many instances
        long nanos = backoff.toNanos();
        return Duration.ofNanos(nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1));
    }

    /** Seconds, or an HTTP date; capped so that a broken header cannot park the uploader for days. */
    static Optional<Duration> parseRetryAfter(String value) {
        String trimmed = value.trim();
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(trimmed));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }
}
