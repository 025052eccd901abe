package dev.apianalytics.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPOutputStream;

/**
 * Ships records to the collector from one daemon thread.
 *
 * <p>The request thread only {@link #offer}s to a bounded queue: it never blocks, never throws,
 * and wakes the uploader only when a batch is full, so a busy API pays for one queue insert
 * per request. The uploader sends a batch when it is full or when the flush interval has
 * passed, one upload at a time, gzipped; it retries 429, 5xx and I/O failures with
 * exponential backoff and jitter (honouring {@code Retry-After}) for a bounded time, and
 * gives up at once on other 4xx answers, which it logs.
 */
public final class Uploader implements AutoCloseable {

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Config config;
    private final String framework;
    private final URI endpoint;
    private final ArrayBlockingQueue<RequestRecord> queue;
    private final HttpClient client;
    private final ExecutorService httpExecutor;
    private final Thread worker;
    private final Thread shutdownHook;

    private final AtomicLong enqueued = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();

    private final RateLimitedLog outageLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog rejectionLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog overflowLog = new RateLimitedLog(MINUTE_NANOS);

    private final Object progress = new Object();
    private volatile long flushTarget;
    private volatile boolean closing;
    private volatile long closeDeadlineNanos;

    /** Starts the uploader thread (and, unless disabled, a shutdown hook that flushes). */
    public Uploader(Config config, String framework) {
        this.config = config;
        this.framework = framework;
        this.endpoint = config.serverUrl().resolve("/api/log-request");
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
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

    /**
     * Queues a record for upload. Never blocks and never throws: when the queue is full, or
     * the uploader is closed, the record is dropped and counted.
     */
    public void offer(RequestRecord record) {
        if (closing || !queue.offer(record)) {
            dropped.increment();
            overflowLog.warn("API Analytics queue is full (" + config.queueCapacity()
                    + " records); dropping records until the collector catches up", null);
            return;
        }
        if (enqueued.incrementAndGet() % config.batchSize() == 0) {
            LockSupport.unpark(worker);
        }
    }

    /**
     * Sends everything queued before this call, waiting at most {@code timeout}.
     *
     * @return whether every such record was sent or given up within the timeout
     */
    public boolean flush(Duration timeout) {
        long target = enqueued.get();
        synchronized (progress) {
            if (target > flushTarget) {
                flushTarget = target;
            }
        }
        LockSupport.unpark(worker);
        return awaitProcessed(target, System.nanoTime() + timeout.toNanos());
    }

    /** Flushes within the configured shutdown timeout and stops the thread. Idempotent. */
    @Override
    public void close() {
        close(config.shutdownTimeout());
    }

    /** Flushes within {@code timeout} and stops the thread; records still queued then are dropped. */
    public void close(Duration timeout) {
        synchronized (progress) {
            if (closing) {
                return;
            }
            closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
            closing = true;
        }
        removeShutdownHook();
        LockSupport.unpark(worker);
        try {
            worker.join(Math.max(1, timeout.toMillis() + 100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt();
        httpExecutor.shutdownNow();
    }

    /** A snapshot of the counters. */
    public UploaderStats stats() {
        return new UploaderStats(enqueued.get(), sent.get(), dropped.sum(), retried.get(), failed.get(), queue.size());
    }

    private void run() {
        long lastSend = System.nanoTime();
        List<RequestRecord> batch = new ArrayList<>(config.batchSize());
        long interval = config.flushInterval().toNanos();
        while (true) {
            long now = System.nanoTime();
            boolean due = now - lastSend >= interval || processed() < flushTarget || closing;
            if (!due && queue.size() < config.batchSize()) {
                LockSupport.parkNanos(this, interval - (now - lastSend));
                if (Thread.interrupted() && closing) {
                    break;
                }
                continue;
            }
            // drain fully when due, otherwise only whole batches
            while (queue.size() >= config.batchSize() || (due && !queue.isEmpty())) {
                queue.drainTo(batch, config.batchSize());
                send(batch);
                batch.clear();
                if (closing && System.nanoTime() - closeDeadlineNanos >= 0) {
                    break;
                }
            }
            lastSend = System.nanoTime();
            if (closing) {
                break;
            }
        }
        int left = queue.size();
        if (left > 0) {
            queue.clear();
            dropped.add(left);
            outageLog.warn("API Analytics closed with " + left + " records unsent", null);
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void send(List<RequestRecord> batch) {
        byte[] body;
        try {
            body = serialize(batch);
        } catch (IOException | RuntimeException e) {
            settle(failed, batch.size());
            rejectionLog.warn("API Analytics could not serialise a batch of " + batch.size() + " records", e);
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "api-analytics-java")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        long giveUpAt = System.nanoTime() + config.maxRetryDuration().toNanos();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Duration wait;
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    settle(sent, batch.size());
                    return;
                }
                if (status != 429 && status < 500) {
                    settle(failed, batch.size());
                    rejectionLog.warn("API Analytics collector refused " + batch.size() + " records with HTTP "
                            + status + ": " + abbreviate(response.body()), null);
                    return;
                }
                wait = retryAfter(response).orElse(jitter(backoff));
                outageLog.warn("API Analytics collector answered HTTP " + status + "; retrying", null);
            } catch (IOException e) {
                wait = jitter(backoff);
                outageLog.warn("API Analytics collector at " + endpoint + " is unreachable (" + e + "); retrying", null);
            } catch (InterruptedException e) {
                settle(failed, batch.size());
                return;
            }
            long resumeAt = System.nanoTime() + wait.toNanos();
            long limit = closing ? Math.min(giveUpAt, closeDeadlineNanos) : giveUpAt;
            if (resumeAt - limit > 0) {
                settle(failed, batch.size());
                outageLog.warn("API Analytics gave up on " + batch.size() + " records after retrying", null);
                return;
            }
            retried.incrementAndGet();
            sleepUntil(resumeAt);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private byte[] serialize(List<RequestRecord> batch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + batch.size() * 96);
        OutputStream out = config.gzip() ? new GZIPOutputStream(bytes, 8192) : bytes;
        WireFormat.write(out, config.apiKey(), framework, config.privacyLevel(), batch);
        out.close();
        return bytes.toByteArray();
    }

    private void sleepUntil(long resumeAtNanos) {
        long remaining;
        while ((remaining = resumeAtNanos - System.nanoTime()) > 0) {
            if (closing && System.nanoTime() - closeDeadlineNanos >= 0) {
                return;
            }
            LockSupport.parkNanos(this, remaining);
        }
    }

    private static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Math.min(seconds, 3600))));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private static Duration jitter(Duration backoff) {
        // full jitter between half and the whole backoff: spreads the retries of many instances
        long millis = backoff.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private long processed() {
        return sent.get() + failed.get();
    }

    private void settle(AtomicLong counter, int records) {
        counter.addAndGet(records);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private boolean awaitProcessed(long target, long deadlineNanos) {
        synchronized (progress) {
            while (processed() + droppedAfterEnqueue() < target) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0 || !worker.isAlive()) {
                    return processed() + droppedAfterEnqueue() >= target;
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

    /** Records that were enqueued and then discarded by close; they count as processed. */
    private long droppedAfterEnqueue() {
        return enqueued.get() - processed() - queue.size() > 0 && !worker.isAlive()
                ? enqueued.get() - processed() - queue.size()
                : 0;
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

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
