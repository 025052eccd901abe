package dev.apianalytics.benchmarks.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.apianalytics.core.internal.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal collector for the load benchmark: it reads every posted batch in full and answers
 * 201, so the uploader under test does all its work (serialise, gzip, post) without the
 * collector's storage costing the two shared cores anything. Like our collector, it can offer the
 * compact form, which the uploader then sends.
 */
final class CollectorSink implements AutoCloseable {

    private static final byte[] CREATED = "{\"status\":201,\"message\":\"API requests logged successfully.\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private final boolean offersCompact;

    private CollectorSink(HttpServer server, boolean offersCompact) {
        this.server = server;
        this.offersCompact = offersCompact;
    }

    static CollectorSink start(boolean offersCompact) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        CollectorSink sink = new CollectorSink(server, offersCompact);
        server.createContext("/api/log-request", sink::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "collector-sink");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return sink;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long posts() {
        return posts.get();
    }

    long bytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            bytes.addAndGet(in.readAllBytes().length);
            posts.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (offersCompact) {
                exchange.getResponseHeaders().set(WireFormat.FORMATS_HEADER, WireFormat.COMPACT);
            }
            exchange.sendResponseHeaders(201, CREATED.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(CREATED);
            }
        }
    }
}
