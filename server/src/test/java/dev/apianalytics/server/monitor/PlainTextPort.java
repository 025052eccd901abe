package dev.apianalytics.server.monitor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A port that answers every connection at once with plain text and closes it: an https client
 * gets a TLS error (the answer is not a TLS record), the way a misconfigured endpoint fails.
 */
final class PlainTextPort implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;

    PlainTextPort() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    OutputStream out = connection.getOutputStream();
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }, "plain-text-port");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String httpsUrl(String path) {
        return "https://127.0.0.1:" + socket.getLocalPort() + path;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
