package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Ships records to the collector from one daemon thread.
 *
 * <p>The request thread only {@link #offer}s to a bounded queue: it never blocks, never throws,
 * and wakes the uploader only when a batch has filled, so a busy API pays for one queue insert
 * per request. The uploader sends a batch when it is full or when the flush interval has
 * passed, one upload at a time, gzipped; it retries 429, 5xx and I/O failures with
 * exponential backoff and jitter (honouring {@code Retry-After}) for a bounded time, and
 * sends a post refused as too large (413) again in halves, and gives up at once on other 4xx
 * answers, which it logs with the collector's message.
 *
 * <p>Every attempt of one batch carries the same random {@code Idempotency-Key}, so a
 * collector that committed a batch whose answer was lost (a timeout, a dropped connection)
 * recognises the retry and does not store the batch twice.
 *
 * <p>This class keeps the queue's lifecycle: the thread, flush, close and the shutdown hook.
 * {@link BatchSender} delivers each batch, {@link CollectorClient} posts it and
 * {@link RetryPolicy} paces the retries. Not API.
 */
public final class Uploader implements AutoCloseable {

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Config config;
    private final int batchSize;
    private final RecordQueue queue;
    private final CollectorClient client;
    private final BatchSender sender;
    private final CloseDeadline closeDeadline = new CloseDeadline();
    private final Thread worker;
    private final Thread shutdownHook;
    // drop batches unread instead of serialising and posting them; only benchmarks set it, to
    // measure the request path alone
    private final boolean discardBatches;

    // request-thread counters
    private final LongAdder dropped = new LongAdder();
    private final LongAdder droppedQueueFull = new LongAdder();

    // written by the worker only
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private final DeliveryLog log;
    private final RateLimitedLog overflowLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog tooLargeLog = new RateLimitedLog(MINUTE_NANOS);
    // written once: a full queue is the overloaded moment, when a message built per request costs most
    private final String queueFullMessage;
    // records given up because close()'s deadline passed (worker only), for the last warning
    private long givenUpAtClose;

    private volatile boolean wakeRequested;

    /** Starts the uploader thread (and, unless disabled, a shutdown hook that flushes). */
    public Uploader(Config config, String framework) {
        this(config, framework, false);
    }

    /** One that drops each batch unread instead of posting it when {@code discardBatches} is set: see {@link Seams}. */
    Uploader(Config config, String framework, boolean discardBatches) {
        this.discardBatches = discardBatches;
        this.config = config;
        this.queueFullMessage = "API Analytics queue is full (" + config.queueCapacity()
                + " records); dropping records until the collector catches up";
        this.batchSize = config.batchSize();
        this.client = new CollectorClient(config);
        this.queue = new RecordQueue(config.queueCapacity(), config.batchSize());
        this.log = new DeliveryLog(client.endpoint(), config.apiKey(), config.debug(), () -> dropped.sum() + failed.get());
        this.sender = new BatchSender(config, framework, client, closeDeadline, log);
        this.worker = daemon(this::run, "api-analytics-uploader");
        this.worker.start();
        this.shutdownHook = config.flushOnShutdown() ? new Thread(this::close, "api-analytics-shutdown") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Where batches are posted; see {@link CollectorClient#endpointOf}. */
    static URI endpoint(URI serverUrl) {
        return CollectorClient.endpointOf(serverUrl);
    }

    /** How a {@code Retry-After} header is read; see {@link RetryPolicy#parseRetryAfter}. */
    static Optional<Duration> parseRetryAfter(String value) {
        return RetryPolicy.parseRetryAfter(value);
    }

    /**
     * Queues a copy of the record for upload. Never blocks and never throws: when the queue is
     * full, the uploader is closed, or the record's texts add up to more than a million
     * characters, the record is dropped and counted.
     */
    public void offer(RequestRecord record) {
        if (closeDeadline.isClosing()) {
            dropped.increment();
            overflowLog.warn("API Analytics is closed; a request completed after close() was not recorded", null);
            return;
        }
        int queued = queue.offer(record);
        if (queued == RecordQueue.TOO_LARGE) {
            dropped.increment();
            tooLargeLog.warn("API Analytics dropped a request whose recorded texts add up to more than "
                    + RecordQueue.MAX_RECORD_CHARS + " characters", null);
            return;
        }
        if (queued == 0) {
            dropped.increment();
            if (!queue.closed()) {
                droppedQueueFull.increment();
                overflowLog.warn(queueFullMessage, null);
            }
            return;
        }
        // wake the worker once per filled batch, not per record; the timer catches anything missed
        if (queued >= batchSize && !wakeRequested) {
            wakeRequested = true;
            LockSupport.unpark(worker);
        }
    }

    /**
     * Sends everything queued before this call, waiting at most {@code timeout}.
     *
     * @return whether every such record was settled (sent, or given up) within the timeout
     */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        long target = queue.markFlush();
        LockSupport.unpark(worker);
        return queue.awaitSettled(target, deadline);
    }

    /** Flushes within the configured shutdown timeout and stops the thread. Idempotent. */
    @Override
    public void close() {
        close(config.shutdownTimeout());
    }

    /**
     * Flushes within {@code timeout} and stops the thread; records still queued then are
     * dropped and counted. Only the first call has an effect; later ones return at once.
     */
    public void close(Duration timeout) {
        if (!closeDeadline.begin(timeout)) {
            return;
        }
        removeShutdownHook();
        LockSupport.unpark(worker);
        if (Thread.currentThread() != worker) {
            try {
                worker.join(Math.max(1, timeout.toMillis() + 200));
                if (worker.isAlive()) {
                    // stuck in a socket call past the deadline: cut it short
                    worker.interrupt();
                    worker.join(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.close();
    }

    /** A snapshot of the counters. */
    public UploaderStats stats() {
        PostDurations posts = sender.postDurations();
        return new UploaderStats(queue.offered(), sent.get(), dropped.sum(), sender.retried(), failed.get(), queue.size(),
                droppedQueueFull.sum(), posts.all(), posts.byOutcome());
    }

    private void run() {
        long interval = config.flushInterval().toNanos();
        long nextTimedFlush = System.nanoTime() + interval;
        List<RequestRecord> batch = new ArrayList<>(batchSize);
        try {
            while (true) {
                wakeRequested = false;
                boolean closingNow = closeDeadline.isClosing();
                long now = System.nanoTime();
                if (closingNow) {
                    sendQueued(batch, Integer.MAX_VALUE);
                    break;
                }
                if (now - nextTimedFlush >= 0 || queue.flushPending()) {
                    // only what is queued now: under steady traffic, newer records wait for a full batch
                    sendQueued(batch, queue.size());
                    nextTimedFlush = System.nanoTime() + interval;
                } else if (queue.size() >= batchSize) {
                    while (queue.size() >= batchSize && !closeDeadline.isClosing()) {
                        sendBatch(batch, batchSize);
                    }
                } else {
                    LockSupport.parkNanos(this, nextTimedFlush - now);
                }
            }
        } catch (RuntimeException | Error e) {
            log.problem("API Analytics uploader stopped unexpectedly; requests are no longer recorded", e);
        } finally {
            discardRemaining();
            sender.close();
        }
    }

    /** Sends up to {@code limit} queued records in batches; when closing, stops at the deadline. */
    private void sendQueued(List<RequestRecord> batch, int limit) {
        int left = limit;
        while (left > 0 && !queue.isEmpty()) {
            if (closeDeadline.passed()) {
                return;
            }
            int count = sendBatch(batch, Math.min(left, batchSize));
            if (count == 0) {
                return;
            }
            left -= count;
        }
    }

    private int sendBatch(List<RequestRecord> batch, int max) {
        if (discardBatches) {
            int count = queue.take(null, max);
            settle(count, 0);
            return count;
        }
        int count = queue.take(batch, max);
        if (count > 0) {
            try {
                int delivered = sender.send(batch);
                if (delivered < count && closeDeadline.isClosing()) {
                    givenUpAtClose += count - delivered;
                }
                settle(delivered, count - delivered);
            } finally {
                batch.clear();
            }
        }
        return count;
    }

    private void discardRemaining() {
        int discarded = queue.discardRemaining();
        dropped.add(discarded);
        long unsent = discarded + givenUpAtClose;
        if (unsent > 0) {
            log.unsentAtClose(unsent);
        }
    }

    private void settle(int delivered, int givenUp) {
        sent.addAndGet(delivered);
        failed.addAndGet(givenUp);
        queue.settle(delivered + givenUp);
    }

    private void removeShutdownHook() {
        if (shutdownHook == null || Thread.currentThread() == shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to: nothing to remove
        }
    }

    static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
