package dev.apianalytics.core.internal;

import java.time.Duration;

/**
 * When {@code close()} must be done by. Both the uploader's loop and the batch sender read it,
 * so that once close() has begun, uploads, retries and waits all stop at the same deadline.
 */
final class CloseDeadline {

    private volatile long deadlineNanos;
    // written after deadlineNanos: whoever sees closing set also sees its deadline
    private volatile boolean closing;

    /** Sets the deadline {@code timeout} from now; false, changing nothing, if close() had begun already. */
    synchronized boolean begin(Duration timeout) {
        if (closing) {
            return false;
        }
        deadlineNanos = System.nanoTime() + Math.max(0, timeout.toNanos());
        closing = true;
        return true;
    }

    boolean isClosing() {
        return closing;
    }

    /** Whether close() has begun and its deadline has passed. */
    boolean passed() {
        return closing && System.nanoTime() - deadlineNanos >= 0;
    }

    /** The deadline on the {@link System#nanoTime} scale; meaningful only once closing. */
    long nanos() {
        return deadlineNanos;
    }
}
