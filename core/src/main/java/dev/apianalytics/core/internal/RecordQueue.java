package dev.apianalytics.core.internal;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between request threads and the uploader's thread, with the accounting
 * that lets {@code flush()} wait for exactly the records queued before it.
 *
 * <p>Counters guarded by {@code this}: {@code taken} counts records the uploader removed (in queue
 * order), {@code settled} those of them that are done (sent, failed or discarded at close).
 * Removing and counting happen under the same lock in which {@link #markFlush} reads
 * {@code taken + size()}, so that sum covers every record offered before the flush.
 */
final class RecordQueue {

    private final ArrayBlockingQueue<RequestRecord> queue;
    private long taken;
    private long settled;
    private long flushTarget;
    // readable without the lock, for request threads that only need an estimate
    private volatile long takenEstimate;
    // the uploader has stopped and settled everything it took
    private volatile boolean done;

    RecordQueue(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues the record unless the queue is full; never blocks. */
    boolean offer(RequestRecord record) {
        return queue.offer(record);
    }

    /** Takes back a record offered after the queue was emptied for good. */
    boolean withdraw(RequestRecord record) {
        return queue.remove(record);
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    long takenEstimate() {
        return takenEstimate;
    }

    /** Moves up to {@code max} records into {@code batch}, counting them as taken. */
    synchronized int take(List<RequestRecord> batch, int max) {
        int count = queue.drainTo(batch, max);
        taken += count;
        takenEstimate = taken;
        return count;
    }

    /** Asks the uploader to send everything queued now; returns the count flush() must see settled. */
    synchronized long markFlush() {
        long target = taken + queue.size();
        if (target > flushTarget) {
            flushTarget = target;
        }
        return target;
    }

    /** Whether a flush waits for records still in the queue. */
    synchronized boolean flushPending() {
        return flushTarget > taken;
    }

    /** Counts taken records as done, waking flush() callers. */
    synchronized void settle(int records) {
        settled += records;
        notifyAll();
    }

    /** Empties the queue for good, counting its records as taken and settled; returns how many there were. */
    synchronized int discardRemaining() {
        int discarded = 0;
        while (queue.poll() != null) {
            discarded++;
        }
        taken += discarded;
        settled += discarded;
        takenEstimate = taken;
        done = true;
        notifyAll();
        return discarded;
    }

    /** Waits until {@code target} records are settled or the deadline passes; whether they were. */
    synchronized boolean awaitSettled(long target, long deadlineNanos) {
        while (settled < target) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0 || done) {
                return settled >= target;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
