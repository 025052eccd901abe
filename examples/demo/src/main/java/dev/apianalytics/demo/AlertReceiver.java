package dev.apianalytics.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo key's webhook: a tiny receiver on 127.0.0.1 that answers every alert with 204 and
 * prints its summary, as a chat channel would show it.
 */
final class AlertReceiver implements AutoCloseable {

    private static final Pattern SUMMARY = Pattern.compile("\"summary\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** A webhook body is a few hundred bytes; more is not read. */
    private static final int MAX_BODY = 64 * 1024;

    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private AlertReceiver(HttpServer server) {
        this.server = server;
    }

    static AlertReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AlertReceiver receiver = new AlertReceiver(server);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                String text = new String(body.readNBytes(MAX_BODY), StandardCharsets.UTF_8);
                Matcher summary = SUMMARY.matcher(text);
                String said = summary.find() ? summary.group(1) : text;
                receiver.received.add(said);
                Demo.say("Alert webhook received: " + said);
                exchange.sendResponseHeaders(204, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return receiver;
    }

    /** Where the collector posts: {@code http://127.0.0.1:<port>/alerts}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    /** The summaries received so far, oldest first. */
    List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
