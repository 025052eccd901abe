package dev.apianalytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.apianalytics.core.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One post against collectors scripted byte by byte on a raw socket. */
class CollectorClientTest {

    private static final byte[] BODY = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private CollectorClient client(ServerSocket collector) {
        CollectorClient client = new CollectorClient(Config.builder("test-key")
                .serverUrl("http://127.0.0.1:" + collector.getLocalPort()).requestTimeout(TIMEOUT).build());
        opened.add(client);
        return client;
    }

    /** A collector that reads each request's start and answers {@code answer}, then keeps the connection open. */
    private ServerSocket answering(String answer) throws IOException {
        ServerSocket collector = ScriptedCollector.answering(answer, opened);
        opened.add(collector);
        return collector;
    }

    @Test
    void aPostThatCouldNotConnectSaysSoSoThatItIsNotTakenForOneThatMayHaveBeenStored() throws Exception {
        // a listener that accepts nothing and whose queue is full: the kernel drops further connection attempts
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        opened.add(full);
        for (int i = 0; i < 4; i++) {
            Socket filler = new Socket();
            opened.add(filler);
            try {
                filler.connect(full.getLocalSocketAddress(), 200);
            } catch (IOException queueFull) {
                break;
            }
        }
        CollectorClient client = client(full);

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(catchThrowable(() -> client.post(BODY, "batch", TIMEOUT))).isInstanceOf(HttpConnectTimeoutException.class);
        }
    }

    @Test
    void theStatusDecidesWhenTheBodyAfterItStalls() throws Exception {
        CollectorClient accepted = client(answering("HTTP/1.1 201 Created\r\nContent-Length: 1000\r\n\r\n{\"ok\":"));
        CollectorClient busy = client(answering("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 1000\r\n\r\nbusy"));

        long start = System.nanoTime();
        CollectorClient.Answer stored = accepted.post(BODY, "batch", TIMEOUT);
        CollectorClient.Answer later = busy.post(BODY, "batch", TIMEOUT);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(4));
        assertThat(stored.verdict()).isEqualTo(CollectorClient.Verdict.ACCEPTED);
        assertThat(stored.status()).isEqualTo(201);
        assertThat(later.verdict()).isEqualTo(CollectorClient.Verdict.RETRY);
        assertThat(later.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void headersThatNeverComeCostTheTimeout() throws Exception {
        CollectorClient client = client(answering(""));

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> client.post(BODY, "batch", TIMEOUT));

        assertThat(thrown).isInstanceOf(java.net.http.HttpTimeoutException.class).isNotInstanceOf(HttpConnectTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3));
    }

    @Test
    void aLongAnswerIsCutWithoutSplittingACharacterInTwo() throws Exception {
        String emoji = "\uD83D\uDE80"; // four bytes in UTF-8
        for (int before = 296; before <= 300; before++) {
            String text = "x".repeat(before) + emoji + "y".repeat(100);
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            CollectorClient client = client(answering("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes + "\r\n\r\n" + text));

            String message = client.post(BODY, "batch", TIMEOUT).message();

            String kept = before <= 296 ? "x".repeat(before) + emoji : "x".repeat(Math.min(before, 300));
            assertThat(message).as("%d bytes before the character", before).isEqualTo(kept + "...");
        }
    }
}
