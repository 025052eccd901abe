package dev.apianalytics.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A paced, bounded load loop on loopback: a few client threads send {@code GET /items/{n}}
 * with a unique {@code n} per request at a fixed total rate, and check every answer is the
 * app's own ({@code 200}, body {@code item n}). Each answered path is kept, so a test can
 * match records to requests one by one.
 */
final class SteadyLoad implements AutoCloseable {

    /** A hard cap, whatever a test asks, so a mistake cannot turn into an endless loop. */
    private static final long MAX_REQUESTS = 50_000;

    private final String baseUrl;
    private final long intervalNanos;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong attempted = new AtomicLong();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;
    private long startNanos;

    private SteadyLoad(String baseUrl, int requestsPerSecond) {
        this.baseUrl = baseUrl;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / requestsPerSecond;
    }

    /** Starts {@code threads} clients sending {@code requestsPerSecond} requests in all. */
    static SteadyLoad start(String baseUrl, int requestsPerSecond, int threads) {
        SteadyLoad load = new SteadyLoad(baseUrl, requestsPerSecond);
        load.startNanos = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(load::run, "steady-load-" + i);
            worker.setDaemon(true);
            load.workers.add(worker);
            worker.start();
        }
        return load;
    }

    /** Stops sending and waits for the requests in flight. */
    void stop() {
        running = false;
        for (Thread worker : workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests sent so far (answered or not). */
    long sent() {
        return attempted.get();
    }

    /** Paths of the requests the app answered correctly. */
    Set<String> answeredPaths() {
        return Set.copyOf(answered);
    }

    /** Requests that failed or got an answer other than the app's own, described. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        while (running) {
            long n = next.getAndIncrement();
            if (n >= MAX_REQUESTS) {
                return;
            }
            long due = startNanos + n * intervalNanos;
            for (long wait = due - System.nanoTime(); wait > 0 && running; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (!running) {
                return;
            }
            attempted.incrementAndGet();
            send(n);
        }
    }

    private void send(long n) {
        String path = "/items/" + n;
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().equals("item " + n)) {
                answered.add(path);
            } else {
                failures.add(path + ": HTTP " + response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            failures.add(path + ": " + e);
        }
    }
}
