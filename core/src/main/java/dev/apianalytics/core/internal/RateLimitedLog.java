package dev.apianalytics.core.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A warning that is logged at most once per period, with the count of those suppressed, so
 * that an outage or a broken mapper produces a few lines rather than one per request. Not API.
 */
public final class RateLimitedLog {

    private static final System.Logger LOGGER = System.getLogger("dev.apianalytics");

    private final long periodNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(long periodNanos) {
        this(periodNanos, System::nanoTime);
    }

    /** With the clock given, so that tests need not wait for a period to pass. */
    RateLimitedLog(long periodNanos, LongSupplier nanoTime) {
        this.periodNanos = periodNanos;
        this.nanoTime = nanoTime;
    }

    /** Logs the message unless one was logged within the period; never throws. */
    public void warn(String message, Throwable cause) {
        long now = nanoTime.getAsLong();
        long allowed = nextAllowed.get();
        if ((allowed != Long.MIN_VALUE && now - allowed < 0) || !nextAllowed.compareAndSet(allowed, now + periodNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        String text = skipped == 0 ? message : message + " (" + skipped + " similar warnings suppressed)";
        try {
            if (cause == null) {
                LOGGER.log(Level.WARNING, text);
            } else {
                LOGGER.log(Level.WARNING, text, cause);
            }
        } catch (RuntimeException ignored) {
            // a broken logging backend must not reach the caller
        }
    }

    public static void info(String message) {
        try {
            LOGGER.log(Level.INFO, message);
        } catch (RuntimeException ignored) {
            // see warn
        }
    }
}
