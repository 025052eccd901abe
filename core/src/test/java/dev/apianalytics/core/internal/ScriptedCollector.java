package dev.apianalytics.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A collector scripted byte by byte on a raw socket, for answers no real server would send. */
final class ScriptedCollector {

    private ScriptedCollector() {}

    /**
     * Listens on a free loopback port; reads the start of each request, writes {@code answer}
     * and keeps the connection open. Each connection is added to {@code accepted}, for the caller
     * to inspect and close.
     */
    static ServerSocket answering(String answer, List<? super Socket> accepted) throws IOException {
        ServerSocket collector = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket socket = collector.accept();
                    accepted.add(socket);
                    InputStream in = socket.getInputStream();
                    in.read(new byte[65_536]); // enough of the request: the answer does not wait for the rest
                    socket.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return collector;
    }
}
