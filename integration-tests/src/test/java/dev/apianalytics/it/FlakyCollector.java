package dev.apianalytics.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A collector on a fixed loopback port whose behaviour a test switches while an app posts to
 * it: healthy (201), down (the port is closed: connection refused), slow (it stores the batch,
 * then answers after a delay), or refusing with a status and an optional {@code Retry-After}.
 * It keeps every post with what it answered, so a test can tell stored records from refused ones,
 * and stores a batch once per {@code Idempotency-Key}, as our collector does: an attempt whose
 * answer was lost (a timeout, or the port closing under it) is sent again with the same key.
 */
final class FlakyCollector implements AutoCloseable {

    /** How the collector answers a post. */
    record Behaviour(String name, int status, String retryAfter, Duration delay) {
        static final Behaviour HEALTHY = new Behaviour("healthy", 201, null, Duration.ZERO);

        static Behaviour slow(Duration delay) {
            return new Behaviour("slow", 201, null, delay);
        }

        static Behaviour refusing(int status, String retryAfter) {
            return new Behaviour("refusing " + status, status, retryAfter, Duration.ZERO);
        }

        boolean stores() {
            return status / 100 == 2;
        }
    }

    /** One post: its {@code Idempotency-Key}, the unique paths of its records and how the collector behaved when it came. */
    record Post(String idempotencyKey, List<String> paths, Behaviour behaviour) {}

    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "flaky-collector");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final int port;
    private volatile Behaviour behaviour = Behaviour.HEALTHY;
    private volatile HttpServer server;

    private FlakyCollector() {
        server = open(0);
        port = server.getAddress().getPort();
    }

    static FlakyCollector start() {
        return new FlakyCollector();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void behave(Behaviour next) {
        behaviour = next;
    }

    /** Closes the port: uploads get "connection refused" until {@link #up()}. */
    synchronized void down() {
        server.stop(0);
    }

    /** Listens again, on the same port, healthy. */
    synchronized void up() {
        behaviour = Behaviour.HEALTHY;
        server = open(port);
    }

    List<Post> posts() {
        return List.copyOf(posts);
    }

    /** The path of every record the collector stored (answered, or committed before a late answer), duplicates included. */
    List<String> storedPaths() {
        return storedPosts(posts).stream().flatMap(post -> post.paths().stream()).toList();
    }

    /** Stored batches that came again with the same {@code Idempotency-Key}: attempts whose answer was lost. */
    long resentStoredBatches() {
        List<Post> received = posts();
        return received.stream().filter(post -> post.behaviour().stores()).count() - storedPosts(received).size();
    }

    /**
     * Of {@code received}, the posts the collector stored: a batch once per {@code Idempotency-Key},
     * a post without one each time.
     */
    private static List<Post> storedPosts(List<Post> received) {
        Set<String> keys = new HashSet<>();
        return received.stream().filter(post -> post.behaviour().stores())
                .filter(post -> post.idempotencyKey() == null || keys.add(post.idempotencyKey())).toList();
    }

    /** How many times each stored path was stored. */
    Map<String, Integer> storedCounts() {
        Map<String, Integer> counts = new HashMap<>();
        storedPaths().forEach(path -> counts.merge(path, 1, Integer::sum));
        return counts;
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private HttpServer open(int onPort) {
        try {
            HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
            created.setExecutor(executor);
            created.createContext("/api/log-request", this::handle);
            created.start();
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on loopback port " + onPort, e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Behaviour answer = behaviour;
            List<String> paths = paths(exchange);
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            // committed before answering, as a real collector does: a late answer does not undo it
            posts.add(new Post(exchange.getRequestHeaders().getFirst("Idempotency-Key"), paths, answer));
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            byte[] body = ("{\"status\":" + answer.status() + ",\"message\":\"" + answer.name() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException clientGaveUp) {
            // the uploader timed out and closed the connection before the late answer
        }
    }

    private static List<String> paths(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        InputStream decoded = new ByteArrayInputStream(raw);
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            decoded = new GZIPInputStream(decoded);
        }
        String json = new String(decoded.readAllBytes(), StandardCharsets.UTF_8);
        List<String> paths = new ArrayList<>();
        for (JsonElement record : JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("requests")) {
            paths.add(record.getAsJsonObject().get("path").getAsString());
        }
        return paths;
    }
}
