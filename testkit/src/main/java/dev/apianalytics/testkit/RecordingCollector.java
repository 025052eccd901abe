package dev.apianalytics.testkit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP collector on a random loopback port that keeps every batch posted to
 * {@code /api/log-request} (or {@code /api/requests}), plain or gzipped, and answers 201.
 *
 * <pre>{@code
 * try (RecordingCollector collector = RecordingCollector.start()) {
 *     Config config = Config.builder("key").serverUrl(collector.url()).build();
 *     // ... drive the app ...
 *     List<RecordedRequest> records = collector.awaitRecords(1, Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class RecordingCollector implements AutoCloseable {

    static {
        // the JDK server delays small responses (Nagle) unless told otherwise: 201s would wait ~40 ms each
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Batch> batches = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private volatile int status = 201;

    private RecordingCollector(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a collector on 127.0.0.1 and a free port. */
    public static RecordingCollector start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "recording-collector");
                thread.setDaemon(true);
                return thread;
            });
            RecordingCollector collector = new RecordingCollector(server, executor);
            server.createContext("/api/log-request", collector::handle);
            server.createContext("/api/requests", collector::handle);
            server.setExecutor(executor);
            server.start();
            return collector;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the recording collector", e);
        }
    }

    /** The base URL to give {@code Config.Builder#serverUrl}, such as {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Makes later uploads get this status instead of 201 (nothing is kept unless it is 2xx). */
    public void respondWith(int status) {
        this.status = status;
    }

    /** Every batch received so far, oldest first. */
    public synchronized List<Batch> batches() {
        return List.copyOf(batches);
    }

    /** Every record of every batch received so far, in arrival order. */
    public synchronized List<RecordedRequest> records() {
        List<RecordedRequest> all = new ArrayList<>();
        for (Batch batch : batches) {
            all.addAll(batch.requests());
        }
        return all;
    }

    /**
     * Waits until at least {@code count} records have arrived and returns all of them.
     *
     * @throws AssertionError when fewer arrived within {@code timeout}, listing what did
     */
    public List<RecordedRequest> awaitRecords(int count, Duration timeout) {
        return awaitRecords(count, timeout, record -> true);
    }

    /** Waits until at least {@code count} records matching {@code filter} have arrived and returns those. */
    public synchronized List<RecordedRequest> awaitRecords(int count, Duration timeout, Predicate<RecordedRequest> filter) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<RecordedRequest> matching = records().stream().filter(filter).toList();
            long remaining = deadline - System.nanoTime();
            if (matching.size() >= count) {
                return matching;
            }
            if (remaining <= 0) {
                throw new AssertionError("expected at least " + count + " matching records within " + timeout
                        + " but the collector at " + url() + " has " + matching.size() + " matching of "
                        + records().size() + ": " + records() + (errors.isEmpty() ? "" : "; rejected uploads: " + errors));
            }
            try {
                wait(Math.max(1, remaining / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for records", e);
            }
        }
    }

    /** Uploads the collector could not parse, with the reason; normally empty. */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Forgets every batch and error received so far. */
    public synchronized void clear() {
        batches.clear();
        errors.clear();
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{\"status\":405,\"message\":\"POST only\"}");
                return;
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            boolean gzipped = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
            String body;
            try (InputStream in = gzipped ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Batch batch;
            try {
                batch = parse(body, gzipped, exchange.getRequestHeaders().getFirst("Content-Type"));
            } catch (RuntimeException e) {
                synchronized (this) {
                    errors.add(e + " in " + body);
                    notifyAll();
                }
                respond(exchange, 400, "{\"status\":400,\"message\":\"malformed batch\"}");
                return;
            }
            int answer = status;
            if (answer >= 200 && answer < 300) {
                synchronized (this) {
                    batches.add(batch);
                    notifyAll();
                }
            }
            respond(exchange, answer, "{\"status\":" + answer + ",\"message\":\"recorded\",\"accepted\":"
                    + batch.requests().size() + ",\"rejected\":0}");
        }
    }

    private static Batch parse(String body, boolean gzipped, String contentType) {
        JsonObject json = JsonParser.parseString(body).getAsJsonObject();
        String apiKey = json.get("api_key").getAsString();
        String framework = json.get("framework").getAsString();
        JsonElement level = json.get("privacy_level");
        int privacyLevel = level == null || level.isJsonNull() ? 0 : level.getAsInt();
        List<RecordedRequest> requests = new ArrayList<>();
        for (JsonElement element : json.getAsJsonArray("requests")) {
            requests.add(new RecordedRequest(element.getAsJsonObject(), apiKey, framework, privacyLevel));
        }
        return new Batch(apiKey, framework, privacyLevel, gzipped, contentType, json, List.copyOf(requests));
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
