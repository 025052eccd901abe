package dev.apianalytics.server.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 that records what it receives: the monitored API (answering
 * the status it is told) and the webhook receiver (answering queued statuses, then 200).
 */
final class LocalServer implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String method, String path, String body, Instant at, int answered) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "local-test-server");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Received> received = new ArrayList<>();
    private final Map<String, Deque<Integer>> queued = new ConcurrentHashMap<>();
    private volatile int status = 200;

    LocalServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            Deque<Integer> next = queued.get(path);
            Integer polled;
            synchronized (queued) {
                polled = next == null ? null : next.poll();
            }
            int answer = polled != null ? polled : status;
            synchronized (received) {
                received.add(new Received(exchange.getRequestMethod(), path, body, Instant.now(), answer));
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** What every request answers unless a status was queued for its path. */
    void answerWith(int code) {
        status = code;
    }

    /** The next requests to {@code path} answer these, in order. */
    void queue(String path, int... codes) {
        synchronized (queued) {
            Deque<Integer> deque = queued.computeIfAbsent(path, p -> new ArrayDeque<>());
            for (int code : codes) {
                deque.add(code);
            }
        }
    }

    List<Received> received(String path) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
