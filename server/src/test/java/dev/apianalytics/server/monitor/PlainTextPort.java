package dev.apianalytics.server.monitor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A port that does not speak TLS, the way a misconfigured endpoint fails an https client: by
 * default it answers every connection at once with plain text and closes it (the answer is not a
 * TLS record); {@link #closingAfterHello()} reads the client's hello and closes without a word.
 */
final class PlainTextPort implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;
    private final boolean answers;

    PlainTextPort() {
        this(true);
    }

    /** A port that reads what the client sends first and then closes the connection. */
    static PlainTextPort closingAfterHello() {
        return new PlainTextPort(false);
    }

    private PlainTextPort(boolean answers) {
        this.answers = answers;
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    if (!answers) {
                        connection.getInputStream().read(new byte[16_384]);
                        continue;
                    }
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
