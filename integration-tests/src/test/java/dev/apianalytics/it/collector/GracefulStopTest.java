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
 * how many requests are in flight, finishes the post (201, sent once its rows are committed), says
 * it stopped, and exits with status 0 within its shutdown timeout.
 */
class GracefulStopTest {

    private static final int SHUTDOWN_TIMEOUT_SECONDS = 20;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigtermFinishesThePostInFlightAndExitsZero(@TempDir Path dataDir) throws Exception {
        List<String> output = CollectorProcess.newOutput();
        try (CollectorProcess collector = CollectorProcess.start(dataDir, null, output,
                "--shutdown-timeout-seconds", Integer.toString(SHUTDOWN_TIMEOUT_SECONDS))) {
            var client = new CollectorClient(collector.url());
            String key = client.newKey();
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
                // a 201 is sent once the rows are committed
                String answer = answer(socket.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 201 ").contains("\"accepted\":20");
                Integer exit = collector.exitCode(SHUTDOWN_TIMEOUT_SECONDS + 30);
                long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminated);
                assertThat(exit).as("exit status; output:%n%s", String.join("\n", output)).isEqualTo(0);
                assertThat(stopMillis).as("ms from SIGTERM to exit").isLessThan(SHUTDOWN_TIMEOUT_SECONDS * 1_000L);
                assertThat(output).anyMatch(line -> line.endsWith("stopped"));
                System.out.printf("graceful stop: the post in flight answered 201, exit status 0, %d ms after SIGTERM%n", stopMillis);
            }
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

    /** The status line, headers and body of one answer with a Content-Length. */
    private static String answer(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c == -1) {
                return head.toString();
            }
            head.append((char) c);
        }
        var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int bytes = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(bytes), StandardCharsets.UTF_8);
    }
}
