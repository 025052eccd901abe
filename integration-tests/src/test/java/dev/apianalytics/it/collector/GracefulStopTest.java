package dev.apianalytics.it.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as a service manager stops the collector, in the middle of a post: the collector says
 * how many requests are in flight, finishes the post (201, its rows stored), says it stopped, and
 * exits with status 0 within its shutdown timeout.
 */
class GracefulStopTest {

    private static final int SHUTDOWN_TIMEOUT_SECONDS = 20;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigtermFinishesThePostInFlightAndExitsZero(@TempDir Path dataDir) throws Exception {
        List<String> output = CollectorProcess.newOutput();
        String key;
        try (CollectorProcess collector = CollectorProcess.start(dataDir, null, output,
                "--shutdown-timeout-seconds", Integer.toString(SHUTDOWN_TIMEOUT_SECONDS))) {
            var client = new CollectorClient(collector.url());
            key = client.newKey();
            byte[] body = CollectorClient.batch(key, "in-flight", 20).getBytes(StandardCharsets.UTF_8);
            int half = body.length / 2;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), URI.create(collector.url()).getPort())) {
                socket.setSoTimeout(60_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/log-request HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, half);
                out.flush();
                Thread.sleep(500); // the collector is reading the body
                long terminated = System.nanoTime();
                collector.terminate();
                awaitLine(output, "stopping, 1 requests in flight");
                out.write(body, half, body.length - half);
                out.flush();
                assertThat(statusLine(socket.getInputStream())).isEqualTo("HTTP/1.1 201 Created");
                Integer exit = collector.exitCode(SHUTDOWN_TIMEOUT_SECONDS + 30);
                long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminated);
                assertThat(exit).as("exit status; output:%n%s", String.join("\n", output)).isEqualTo(0);
                assertThat(stopMillis).as("ms from SIGTERM to exit").isLessThan(SHUTDOWN_TIMEOUT_SECONDS * 1_000L);
                assertThat(output).anyMatch(line -> line.endsWith("stopped"));
                System.out.printf("graceful stop: the post in flight answered 201, exit status 0, %d ms after SIGTERM%n", stopMillis);
            }
        }
        // the post it finished was committed: started again on the same data, the collector has its rows
        try (CollectorProcess again = CollectorProcess.start(dataDir, null, CollectorProcess.newOutput())) {
            assertThat(new CollectorClient(again.url()).countUser(key, "in-flight")).isEqualTo(20);
        }
    }

    private static void awaitLine(List<String> output, String text) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (output.stream().noneMatch(line -> line.contains(text))) {
            assertThat(System.nanoTime()).as("'%s' logged within 30 s; output:%n%s", text, String.join("\n", output))
                    .isLessThan(until);
            Thread.sleep(5);
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        var line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
