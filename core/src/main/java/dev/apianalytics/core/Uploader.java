package dev.apianalytics.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Ships records to the collector from one daemon thread.
 *
 * <p>The request thread only {@link #offer}s to a bounded queue: it never blocks, never throws,
 * and wakes the uploader only when a batch has filled, so a busy API pays for one queue insert
 * per request. The uploader sends a batch when it is full or when the flush interval has
 * passed, one upload at a time, gzipped; it retries 429, 5xx and I/O failures with
 * exponential backoff and jitter (honouring {@code Retry-After}) for a bounded time, and
 * gives up at once on other 4xx answers, which it logs with the collector's message.
 *
 * <p>Every attempt of one batch carries the same random {@code Idempotency-Key}, so a
 * collector that committed a batch whose answer was lost (a timeout, a dropped connection)
 * recognises the retry and does not store the batch twice.
 */
public final class Uploader implements AutoCloseable {

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);
    // short enough that uploads resume within seconds of an outage ending, before the queue fills
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final int MAX_ERROR_BODY = 300;

    private final Config config;
    private final String framework;
    private final URI endpoint;
    private final int batchSize;
    private final ArrayBlockingQueue<RequestRecord> queue;
    private final HttpClient client;
    private final ExecutorService httpExecutor;
    private final Thread worker;
    private final Thread shutdownHook;
    // replaces serialising and posting; only benchmarks set it, to measure the request path alone
    private final Consumer<List<RequestRecord>> shipper;
    // the worker's alone: JSON and gzip buffers reused batch after batch
    private final WireFormat.Encoder encoder;

    // request-thread counters
    private final AtomicLong enqueued = new AtomicLong();
    private final LongAdder dropped = new LongAdder();

    // written by the worker only
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();

    private final RateLimitedLog outageLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog rejectionLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog overflowLog = new RateLimitedLog(MINUTE_NANOS);

    /*
     * Flush accounting, guarded by `progress`: `taken` counts records the worker removed from
     * the queue (in queue order), `settled` those of them that are done (sent, failed or
     * discarded at close). The worker drains and counts under the same lock in which flush()
     * reads `taken + queue.size()`, so that sum covers every record offered before the flush.
     */
    private final Object progress = new Object();
    private long taken;
    private long settled;
    private volatile long flushTarget;

    private volatile long takenEstimate;
    private volatile boolean wakeRequested;
    private volatile boolean closing;
    // the queue takes no more records (set before the final emptying)
    private volatile boolean finished;
    // the worker has stopped and settled everything it took
    private volatile boolean done;
    private volatile long closeDeadlineNanos;

    /** Starts the uploader thread (and, unless disabled, a shutdown hook that flushes). */
    public Uploader(Config config, String framework) {
        this(config, framework, null);
    }

    Uploader(Config config, String framework, Consumer<List<RequestRecord>> shipper) {
        this.shipper = shipper;
        this.config = config;
        this.framework = framework;
        this.endpoint = endpoint(config.serverUrl());
        this.batchSize = config.batchSize();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.encoder = new WireFormat.Encoder(config.gzip());
        this.httpExecutor = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "api-analytics-http"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .executor(httpExecutor)
                .build();
        this.worker = daemon(this::run, "api-analytics-uploader");
        this.worker.start();
        this.shutdownHook = config.flushOnShutdown() ? new Thread(this::close, "api-analytics-shutdown") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Where batches are posted: the server URL's path (a reverse-proxy prefix, say) plus {@code /api/log-request}. */
    static URI endpoint(URI serverUrl) {
        String base = serverUrl.toString();
        int query = base.indexOf('?');
        if (query >= 0) {
            base = base.substring(0, query);
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/api/log-request");
    }

    /**
     * Queues a record for upload. Never blocks and never throws: when the queue is full, or
     * the uploader is closed, the record is dropped and counted.
     */
    public void offer(RequestRecord record) {
        if (closing) {
            dropped.increment();
            overflowLog.warn("API Analytics is closed; a request completed after close() was not recorded", null);
            return;
        }
        if (!queue.offer(record)) {
            dropped.increment();
            overflowLog.warn("API Analytics queue is full (" + config.queueCapacity()
                    + " records); dropping records until the collector catches up", null);
            return;
        }
        if (finished && queue.remove(record)) {
            // lost a race with close(): the worker has already emptied the queue for good
            dropped.increment();
            return;
        }
        long count = enqueued.incrementAndGet();
        // wake the worker once per filled batch, not per record; `taken` is read without the
        // lock on purpose: an estimate is enough, the timer catches anything missed
        if (!wakeRequested && count - takenEstimate >= batchSize) {
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
        long target;
        synchronized (progress) {
            target = taken + queue.size();
            if (target > flushTarget) {
                flushTarget = target;
            }
        }
        LockSupport.unpark(worker);
        return awaitSettled(target, deadline);
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
        synchronized (progress) {
            if (closing) {
                return;
            }
            closeDeadlineNanos = System.nanoTime() + Math.max(0, timeout.toNanos());
            closing = true;
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
        httpExecutor.shutdownNow();
    }

    /** A snapshot of the counters. */
    public UploaderStats stats() {
        return new UploaderStats(enqueued.get(), sent.get(), dropped.sum(), retried.get(), failed.get(), queue.size());
    }

    private void run() {
        long interval = config.flushInterval().toNanos();
        long nextTimedFlush = System.nanoTime() + interval;
        List<RequestRecord> batch = new ArrayList<>(batchSize);
        try {
            while (true) {
                wakeRequested = false;
                boolean closingNow = closing;
                long now = System.nanoTime();
                if (closingNow) {
                    sendQueued(batch, Integer.MAX_VALUE);
                    break;
                }
                if (now - nextTimedFlush >= 0 || flushTarget > takenNow()) {
                    // only what is queued now: under steady traffic, newer records wait for a full batch
                    sendQueued(batch, queue.size());
                    nextTimedFlush = System.nanoTime() + interval;
                } else if (queue.size() >= batchSize) {
                    while (queue.size() >= batchSize && !closing) {
                        sendBatch(batch, batchSize);
                    }
                } else {
                    LockSupport.parkNanos(this, nextTimedFlush - now);
                }
            }
        } catch (RuntimeException | Error e) {
            outageLog.warn("API Analytics uploader stopped unexpectedly; requests are no longer recorded", e);
        } finally {
            discardRemaining();
            encoder.close();
        }
    }

    /** Sends up to {@code limit} queued records in batches; when closing, stops at the deadline. */
    private void sendQueued(List<RequestRecord> batch, int limit) {
        int left = limit;
        while (left > 0 && !queue.isEmpty()) {
            if (closing && pastCloseDeadline()) {
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
        int count;
        synchronized (progress) {
            count = queue.drainTo(batch, max);
            taken += count;
            takenEstimate = taken;
        }
        if (count > 0) {
            try {
                if (shipper == null) {
                    send(batch);
                } else {
                    shipper.accept(batch);
                    settle(sent, count);
                }
            } finally {
                batch.clear();
            }
        }
        return count;
    }

    private long takenNow() {
        synchronized (progress) {
            return taken;
        }
    }

    private void discardRemaining() {
        finished = true;
        int discarded = 0;
        synchronized (progress) {
            while (queue.poll() != null) {
                discarded++;
            }
            taken += discarded;
            settled += discarded;
            takenEstimate = taken;
            done = true;
            progress.notifyAll();
        }
        if (discarded > 0) {
            dropped.add(discarded);
            outageLog.warn("API Analytics closed with " + discarded + " records unsent", null);
        }
    }

    private void send(List<RequestRecord> batch) {
        int size = batch.size();
        byte[] body;
        try {
            body = serialize(batch);
        } catch (RuntimeException e) {
            settle(failed, size);
            rejectionLog.warn("API Analytics could not serialise a batch of " + size + " records", e);
            return;
        }
        // one id for every attempt of this batch: the collector stores it once
        String batchId = UUID.randomUUID().toString();
        long giveUpAt = System.nanoTime() + config.maxRetryDuration().toNanos();
        Duration backoff = config.initialBackoff();
        while (true) {
            if (closing && pastCloseDeadline()) {
                settle(failed, size);
                return;
            }
            Duration wait;
            try {
                HttpResponse<InputStream> response = client.send(request(body, batchId), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                String message = readAbbreviated(response.body());
                if (status >= 200 && status < 300) {
                    settle(sent, size);
                    return;
                }
                if (status != 429 && status < 500) {
                    settle(failed, size);
                    rejectionLog.warn("API Analytics collector refused " + size + " records with HTTP "
                            + status + ": " + message, null);
                    return;
                }
                wait = retryAfter(response).orElse(jitter(backoff));
                outageLog.warn("API Analytics collector answered HTTP " + status + " (" + message + "); retrying", null);
            } catch (IOException e) {
                wait = jitter(backoff);
                outageLog.warn("API Analytics collector at " + endpoint + " is unreachable (" + e + "); retrying", null);
            } catch (InterruptedException e) {
                // only close() interrupts, once its deadline has passed
                settle(failed, size);
                return;
            } catch (RuntimeException e) {
                settle(failed, size);
                rejectionLog.warn("API Analytics could not post " + size + " records", e);
                return;
            }
            long resumeAt = System.nanoTime() + wait.toNanos();
            long limit = closing ? Math.min(giveUpAt, closeDeadlineNanos) : giveUpAt;
            if (resumeAt - limit > 0 || !sleepUntil(resumeAt)) {
                settle(failed, size);
                outageLog.warn("API Analytics gave up on " + size + " records after retrying for "
                        + (closing ? "as long as close() allowed" : config.maxRetryDuration()), null);
                return;
            }
            retried.incrementAndGet();
            backoff = next(backoff);
        }
    }

    private HttpRequest request(byte[] body, String batchId) {
        Duration timeout = config.requestTimeout();
        if (closing) {
            long remaining = closeDeadlineNanos - System.nanoTime();
            timeout = Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(remaining, timeout.toNanos())));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "api-analytics-java")
                .header(IDEMPOTENCY_HEADER, batchId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        return request.build();
    }

    private byte[] serialize(List<RequestRecord> batch) {
        return encoder.encode(config.apiKey(), framework, config.privacyLevel(), batch);
    }

    /** Waits until {@code resumeAtNanos}; false when close()'s deadline or an interrupt cut the wait short. */
    private boolean sleepUntil(long resumeAtNanos) {
        while (true) {
            if (Thread.currentThread().isInterrupted() || (closing && pastCloseDeadline())) {
                return false;
            }
            long now = System.nanoTime();
            long remaining = resumeAtNanos - now;
            if (remaining <= 0) {
                return true;
            }
            if (closing) {
                remaining = Math.min(remaining, closeDeadlineNanos - now);
            }
            // close() unparks us, so a wait never outlives its deadline
            LockSupport.parkNanos(this, remaining);
        }
    }

    private boolean pastCloseDeadline() {
        return System.nanoTime() - closeDeadlineNanos >= 0;
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        Duration cap = MAX_BACKOFF.compareTo(config.initialBackoff()) > 0 ? MAX_BACKOFF : config.initialBackoff();
        return doubled.compareTo(cap) > 0 ? cap : doubled;
    }

    static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(Uploader::parseRetryAfter);
    }

    /** Seconds, or an HTTP date; capped so that a broken header cannot park the uploader for days. */
    static java.util.Optional<Duration> parseRetryAfter(String value) {
        String trimmed = value.trim();
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(trimmed));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            } catch (DateTimeParseException notADate) {
                return java.util.Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return java.util.Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }

    private static Duration jitter(Duration backoff) {
        // a random wait between half and the whole backoff spreads the retries of many instances
        long nanos = backoff.toNanos();
        return Duration.ofNanos(nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1));
    }

    private void settle(AtomicLong counter, int records) {
        counter.addAndGet(records);
        synchronized (progress) {
            settled += records;
            progress.notifyAll();
        }
    }

    private boolean awaitSettled(long target, long deadlineNanos) {
        synchronized (progress) {
            while (settled < target) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0 || done) {
                    return settled >= target;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
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

    private static String readAbbreviated(InputStream body) {
        // the status line is what matters; read a little of the body for the log, never all of it
        try (InputStream in = body) {
            byte[] head = in.readNBytes(MAX_ERROR_BODY);
            String text = new String(head, StandardCharsets.UTF_8);
            return in.read() < 0 ? text : text + "...";
        } catch (IOException e) {
            return "";
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
