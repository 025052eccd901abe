package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP collector on a loopback port: it records every post to {@code /api/log-request}
 * and answers from a script (201 once the script runs out). It can stall its answers, and go
 * down and come back on the same port.
 */
public final class TestCollector implements AutoCloseable {

    /**
     * One answer: status, optional Retry-After, body; {@code fromProxy} leaves out the collector's
     * own headers, as a proxy in front of it answers.
     */
    public record Reply(int status, String retryAfter, String body, boolean fromProxy) {
        public Reply(int status, String retryAfter, String body) {
            this(status, retryAfter, body, false);
        }

        public static Reply of(int status) {
            return new Reply(status, null, "{\"status\":" + status + ",\"message\":\"scripted\"}");
        }
    }

    /** One post as received. */
    public record Post(String path, Map<String, List<String>> headers, JsonObject body, int answeredStatus, long receivedNanos) {
        /** The records, each as the family's JSON writes it, whichever form the post had. */
        public List<JsonObject> records() {
            if (isCompact()) {
                return compactRecords(body);
            }
            List<JsonObject> records = new ArrayList<>();
            for (JsonElement element : body.getAsJsonArray("requests")) {
                records.add(element.getAsJsonObject());
            }
            return records;
        }

        public boolean isCompact() {
            return body.has("rows");
        }
    }

    /**
     * A compact body's rows as the family's JSON objects: the strings put back in place, the
     * creation time formatted, and a missing route left out, as the JSON form does.
     */
    public static List<JsonObject> compactRecords(JsonObject body) {
        JsonArray columns = body.getAsJsonArray("columns");
        JsonArray strings = body.getAsJsonArray("strings");
        List<JsonObject> records = new ArrayList<>();
        for (JsonElement row : body.getAsJsonArray("rows")) {
            JsonArray values = row.getAsJsonArray();
            JsonObject record = new JsonObject();
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i).getAsString();
                JsonElement value = values.get(i);
                switch (column) {
                    case "status", "response_time" -> record.add(column, value);
                    case "created_at" -> record.addProperty(column, WireFormat.createdAt(value.getAsLong()));
                    default -> record.add(column, value.isJsonNull() ? JsonNull.INSTANCE : strings.get(value.getAsInt()));
                }
            }
            if (record.get("route").isJsonNull()) {
                record.remove("route");
            }
            records.add(record);
        }
        return records;
    }

    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-collector");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final Deque<Reply> script = new ArrayDeque<>();
    private volatile CountDownLatch stall = new CountDownLatch(0);
    private volatile boolean offersCompact;
    private volatile java.util.function.Function<List<JsonObject>, Reply> rule = records -> null;
    private volatile HttpServer server;
    private final int port;

    private TestCollector(int port) throws IOException {
        this.server = open(port);
        this.port = server.getAddress().getPort();
    }

    public static TestCollector start() throws IOException {
        return new TestCollector(0);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Config.Builder config() {
        return Config.builder("test-key")
                .serverUrl(url())
                .flushInterval(java.time.Duration.ofHours(1))
                .initialBackoff(java.time.Duration.ofMillis(5))
                .flushOnShutdown(false);
    }

    /** Answers the next posts with these replies, in order. */
    public synchronized void script(Reply... replies) {
        script.addAll(List.of(replies));
    }

    /** Answers the posts the script leaves, by their records: the rule's reply, or 201 when it gives {@code null}. */
    public void rule(java.util.function.Function<List<JsonObject>, Reply> rule) {
        this.rule = rule;
    }

    /** Makes later answers say, as our collector's do, that the compact form is read. */
    public void offerCompact(boolean offers) {
        offersCompact = offers;
    }

    /** Holds every answer until {@link #release()}. */
    public void stall() {
        stall = new CountDownLatch(1);
    }

    public void release() {
        stall.countDown();
    }

    /** Closes the port: uploads get "connection refused". */
    public void down() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    void up() throws IOException {
        server = open(port);
    }

    public List<Post> posts() {
        return List.copyOf(posts);
    }

    /** Records of the posts that were answered with a 2xx: what the collector would have stored. */
    public List<JsonObject> accepted() {
        List<JsonObject> records = new ArrayList<>();
        for (Post post : posts) {
            if (post.answeredStatus() / 100 == 2) {
                records.addAll(post.records());
            }
        }
        return records;
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }

    private HttpServer open(int port) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        created.setExecutor(executor);
        created.createContext("/", this::handle);
        created.start();
        return created;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long receivedNanos = System.nanoTime();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            InputStream decoded = new ByteArrayInputStream(raw);
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                decoded = new GZIPInputStream(decoded);
            }
            JsonObject body = JsonParser.parseString(new String(decoded.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            try {
                stall.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Reply reply;
            synchronized (this) {
                reply = script.poll();
            }
            if (reply == null) {
                Post unanswered = new Post(exchange.getRequestURI().getPath(), Map.of(), body, 0, receivedNanos);
                reply = rule.apply(unanswered.records());
            }
            if (reply == null) {
                reply = new Reply(201, null, "{\"status\":201,\"message\":\"API requests logged successfully.\"}");
            }
            posts.add(new Post(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body, reply.status(), receivedNanos));
            if (reply.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
            }
            if (offersCompact && !reply.fromProxy()) {
                exchange.getResponseHeaders().add(WireFormat.FORMATS_HEADER, "gzip-json, compact");
            }
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }
}
