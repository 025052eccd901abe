package dev.apianalytics.server.monitor;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A local API to monitor: it answers, or answers after a delay, or is gone (connections refused). */
final class TargetServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "monitor-target");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong delayMillis = new AtomicLong();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String redirectTo;
    private volatile boolean stopped;

    TargetServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                long delay = delayMillis.get();
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                String location = redirectTo;
                if (location != null) {
                    exchange.getResponseHeaders().set("Location", location);
                }
                byte[] body = "ok".getBytes();
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(status.get(), head ? -1 : body.length);
                if (!head) {
                    exchange.getResponseBody().write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // the monitor gave up waiting: nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(threads);
        server.start();
    }

    /** The URL of {@code path} on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void answerAfter(long millis) {
        delayMillis.set(millis);
    }

    /** Answers 302 to {@code location} from now on. */
    void redirectTo(String location) {
        redirectTo = location;
        status.set(302);
    }

    int port() {
        return server.getAddress().getPort();
    }

    void answerWith(int code) {
        status.set(code);
    }

    int requests() {
        return requests.get();
    }

    /** Goes away: the port closes, so connections are refused. */
    void stop() {
        if (!stopped) {
            stopped = true;
            server.stop(0);
            threads.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
