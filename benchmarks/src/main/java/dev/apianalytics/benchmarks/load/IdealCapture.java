package dev.apianalytics.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor under any request middleware, as issue 13 defines it: per request one small record
 * offered to a bounded queue, which a timer drains ten times a second and discards. No mappers, no
 * encoding, no upload: what a middleware costs beyond this is the price of its own work.
 */
final class IdealCapture implements AutoCloseable {

    /** What a request leaves behind: its method, path, status and three clock readings. */
    record Capture(String method, String path, int status, long startNanos, long endNanos, long startMillis) {}

    private final ArrayBlockingQueue<Capture> queue = new ArrayBlockingQueue<>(100_000);
    private final List<Capture> drained = new ArrayList<>(100_000);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    // the thread's name puts its allocation with the uploader threads' in the benchmark's figures
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "api-analytics-ideal-capture");
        thread.setDaemon(true);
        return thread;
    });

    IdealCapture() {
        // ten times a second: a single-core Vert.x hello world serves over 100,000 requests a second
        timer.scheduleWithFixedDelay(this::drain, 100, 100, TimeUnit.MILLISECONDS);
    }

    void capture(Capture capture) {
        if (!queue.offer(capture)) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        queue.drainTo(drained);
        discarded.addAndGet(drained.size());
        drained.clear();
    }

    /** As {@link LoadServer.App#counts()}: captured (queued or discarded), discarded, dropped, failed (none). */
    long[] counts() {
        long done = discarded.get();
        return new long[] {done + queue.size(), done, dropped.get(), 0};
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
