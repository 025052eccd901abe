package dev.apianalytics.server.ingest;

import dev.apianalytics.server.http.ApiException;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The heap that posts being parsed and stored may hold between them, reserved by each post as
 * it grows: first its wire body, then a step at a time as it keeps rows. A gzip bomb keeps
 * nothing, so it holds little more than its wire size however long it takes to refuse, and
 * never keeps another key's post waiting; a post that cannot get memory before its deadline
 * answers 503 with {@code Retry-After}.
 */
final class MemoryBudget {

    private static final int KIB = 1024;

    private final Semaphore kib;

    MemoryBudget(long bytes) {
        this.kib = new Semaphore((int) Math.min(Integer.MAX_VALUE, bytes / KIB), true);
    }

    /** A post's share, empty at first; it must be closed. */
    Reservation open(long waitNanos) {
        return new Reservation(System.nanoTime() + waitNanos);
    }

    /** What one post holds. */
    final class Reservation implements AutoCloseable {

        private final long deadline;
        private int heldKib;

        private Reservation(long deadline) {
            this.deadline = deadline;
        }

        long heldBytes() {
            return (long) heldKib * KIB;
        }

        /** Reserves {@code bytes} more, waiting until the deadline at most. */
        void grow(long bytes) {
            int more = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (bytes + KIB - 1) / KIB));
            boolean granted;
            try {
                granted = kib.tryAcquire(more, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                granted = false;
            }
            if (!granted) {
                throw new ApiException(503, "the collector is busy reading other posts; retry shortly", Map.of("Retry-After", "1"));
            }
            heldKib += more;
        }

        @Override
        public void close() {
            kib.release(heldKib);
            heldKib = 0;
        }
    }
}
