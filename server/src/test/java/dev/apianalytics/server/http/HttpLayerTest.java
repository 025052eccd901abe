package dev.apianalytics.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The collector's HTTP layer over real sockets, attacked as a stranger would: connections that
 * never finish their request head, bodies that stall or trickle, URIs and heads the server
 * refuses by itself, too many connections from one address; and a stop in the middle of a post.
 * Deadlines are short here so that each attack ends in seconds; the margins are wide.
 */
@Isolated("times the server's timeouts by the clock and reads the JVM's log records")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpLayerTest {

    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    /** How late past a deadline a loaded 2-core machine may still be. */
    private static final long MARGIN_MILLIS = 8_000;
    private static final int THREADS = 4;

    @TempDir
    static Path dataDir;

    CollectorServer server;
    Http http;

    @BeforeAll
    void start() throws Exception {
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir.resolve("main"))
                .threads(THREADS).headerTimeout(HEADER_TIMEOUT).idleTimeout(IDLE_TIMEOUT).maxHeaderBytes(4_096)
                .postsPerMinute(1_000).build());
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void idleConnectionsHoldNoWorkerAndAreClosedAtTheHeaderDeadline() {
        List<Wire> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Wire wire = Wire.open("127.0.0." + (10 + i), server.port());
                wire.send("G");
                idle.add(wire);
            }
            // four worker threads, sixteen connections that never finish a request: the server still answers
            assertThat(http.get("/api/health").status()).isEqualTo(200);
            for (Wire wire : idle) {
                assertThat(wire.closedWithin(HEADER_TIMEOUT.toMillis() + MARGIN_MILLIS)).isTrue();
            }
        } finally {
            idle.forEach(Wire::close);
        }
    }

    @Test
    void aHeadTrickledOneByteAtATimeIsCutAtTheHeaderDeadline() {
        String head = "GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "x".repeat(200) + "\r\n";
        try (Wire wire = Wire.open("127.0.0.3", server.port())) {
            long started = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < head.length() && !closed; i++) {
                // a byte every 250 ms keeps an idle timeout from ever firing; the deadline does not move
                closed = !wire.send(head.substring(i, i + 1)) || wire.closedWithin(250);
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(closed).as("cut before the head was complete").isTrue();
            assertThat(elapsed).isLessThan(HEADER_TIMEOUT.toMillis() + MARGIN_MILLIS);
        }
    }

    @Test
    void aBodyThatNeverComesIsCutAndOtherKeysStillPost() throws Exception {
        String key = http.newKey();
        try (Wire huge = Wire.open("127.0.0.4", server.port()); Wire stalled = Wire.open("127.0.0.4", server.port())) {
            huge.send("POST /api/log-request HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 999999999999\r\n\r\n");
            stalled.send("POST /api/log-request HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"api_key\":");
            for (int i = 0; i < 3; i++) {
                assertThat(http.post("/api/log-request", batch(key)).status()).isEqualTo(201);
            }
            CompletableFuture<Wire.Answer> hugeAnswer = CompletableFuture.supplyAsync(huge::read);
            Wire.Answer stalledAnswer = stalled.read();
            assertThat(stalledAnswer.status()).as("%s", stalledAnswer).isEqualTo(408);
            assertJsonError(stalledAnswer, 408);
            Wire.Answer answer = hugeAnswer.get(IDLE_TIMEOUT.toMillis() + MARGIN_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(answer.status()).as("%s", answer).isEqualTo(413);
            assertThat(huge.closedWithin(MARGIN_MILLIS)).isTrue();
            assertThat(stalled.closedWithin(MARGIN_MILLIS)).isTrue();
        }
    }

    @Test
    void aTrickledBodyIsCutAtTheMinimumRate() {
        try (Wire wire = Wire.open("127.0.0.5", server.port())) {
            wire.send("POST /api/log-request HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n");
            long started = System.nanoTime();
            CompletableFuture<Wire.Answer> answer = CompletableFuture.supplyAsync(wire::read);
            // a byte every 200 ms: never idle for long, and far below 1,024 bytes a second
            for (int i = 0; i < 100 && !answer.isDone(); i++) {
                wire.send(" ");
                sleep(200);
            }
            assertJsonError(answer.join(), 408);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .isLessThan(HEADER_TIMEOUT.toMillis() + MARGIN_MILLIS);
            assertThat(wire.closedWithin(MARGIN_MILLIS)).isTrue();
        }
    }

    @Test
    void aBodyThatStallsIsAnsweredAtTheMinimumRateNotAtTheIdleTimeout() throws Exception {
        // an idle timeout far past the rate's deadline (the 2 s grace plus a byte's worth): the rate must answer first
        Duration idle = Duration.ofSeconds(60);
        try (CollectorServer patient = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir.resolve("patient")).headerTimeout(HEADER_TIMEOUT).idleTimeout(idle).build());
                Wire declared = Wire.open("127.0.0.11", patient.port());
                Wire chunked = Wire.open("127.0.0.12", patient.port());
                Wire huge = Wire.open("127.0.0.13", patient.port())) {
            String post = "POST /api/log-request HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
            String start = "{\"api_key\":\"" + "k".repeat(80) + "\",";
            long started = System.nanoTime();
            // a large Content-Length within the 16 MiB cap, a hundred bytes, then nothing
            declared.send(post + "Content-Length: 10000000\r\n\r\n" + start);
            // a chunked body: one chunk, then nothing
            chunked.send(post + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(start.length()) + "\r\n" + start + "\r\n");
            // past the cap: refused at once, but its drain (so the 413 is read, not reset) must not wait either
            huge.send(post + "Content-Length: 999999999999\r\n\r\n" + start);
            var answers = List.of(CompletableFuture.supplyAsync(declared::read), CompletableFuture.supplyAsync(chunked::read),
                    CompletableFuture.supplyAsync(huge::read));
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(idle.toMillis() / 2, TimeUnit.MILLISECONDS);
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertJsonError(answers.get(0).join(), 408);
            assertJsonError(answers.get(1).join(), 408);
            assertJsonError(answers.get(2).join(), 413);
            assertThat(elapsed).as("ms until all three were answered").isBetween(HEADER_TIMEOUT.toMillis() - 500,
                    HEADER_TIMEOUT.toMillis() + MARGIN_MILLIS);
            for (Wire wire : List.of(declared, chunked, huge)) {
                assertThat(wire.closedWithin(MARGIN_MILLIS)).isTrue();
            }
        }
    }

    @Test
    void requestsTheServerRefusesByItselfGetJsonErrors() {
        assertJsonError(request("GET /a|b HTTP/1.1\r\n"), 400);
        assertJsonError(request("GET /api/{x} HTTP/1.1\r\n"), 400);
        assertJsonError(request("GET /%zz HTTP/1.1\r\n"), 400);
        assertJsonError(request("GET /api/data?x=%zz HTTP/1.1\r\n"), 400);
        assertJsonError(request("GET /nowhere/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n"), 400);
        assertJsonError(request("GET /api/health?" + "a".repeat(8_000) + " HTTP/1.1\r\n"), 414);
        assertJsonError(request("GET /api/health HTTP/1.1\r\nX-Big: " + "b".repeat(8_000) + "\r\n"), 431);
        assertJsonError(request("BREW /api/health HTTP/1.1\r\n"), 405);
        assertJsonError(request("GET /no-such-page HTTP/1.1\r\n"), 404);
        assertJsonError(request("DELETE /api/health HTTP/1.1\r\n"), 405);
        // a raw line break inside the target makes the line look like HTTP/0.9, or another version: the client's fault
        assertJsonError(request("GET /api/data?page=\n%ZZ HTTP/1.1\r\n"), 400);
        assertJsonError(request("GET /api/health HTTP/2.0\r\n"), 426);
        assertJsonError(request("GET /api/health HTTP/9.9\r\n"), 400);
    }

    @Test
    void everyKindOfAnswerCarriesTheBrowserSecurityHeaders() {
        List<String> heads = List.of("GET / HTTP/1.1\r\n", "GET /dashboard HTTP/1.1\r\n", "GET /app.js HTTP/1.1\r\n",
                "GET /webjars/uplot/1.6.30/dist/uPlot.min.css HTTP/1.1\r\n", "GET /api/health HTTP/1.1\r\n",
                "HEAD /api/health HTTP/1.1\r\n", "OPTIONS /api/data HTTP/1.1\r\n", "GET /api/data HTTP/1.1\r\n",
                "GET /nope HTTP/1.1\r\n", "GET /a|b HTTP/1.1\r\n", "GET /%zz HTTP/1.1\r\n",
                "GET / HTTP/1.1\r\nX-Big: " + "b".repeat(8_000) + "\r\n");
        for (String head : heads) {
            Wire.Answer answer = request(head);
            assertThat(answer.status()).as(head).isPositive();
            assertThat(answer.header("Content-Security-Policy")).as(head)
                    .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
            assertThat(answer.header("Referrer-Policy")).as(head).isEqualTo("no-referrer");
            assertThat(answer.header("X-Content-Type-Options")).as(head).isEqualTo("nosniff");
        }
    }

    @Test
    void fixedAnswersCarryTheirLengthAndHeadSendsNoBody() {
        Wire.Answer get = request("GET /api/health HTTP/1.1\r\n");
        Wire.Answer head = request("HEAD /api/health HTTP/1.1\r\n");
        assertThat(get.header("Content-Length")).isEqualTo(Integer.toString(get.body().length()));
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo(get.header("Content-Length"));
        assertThat(head.body()).isEmpty();
    }

    @Test
    void connectionsPastThePerAddressLimitAreRefusedWhileOthersAreServed() throws Exception {
        try (CollectorServer limited = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir.resolve("limited")).maxConnectionsPerAddress(4).headerTimeout(Duration.ofSeconds(60))
                .build())) {
            for (int i = 0; i < 20; i++) {
                // connections that came and went count no more
                try (Wire wire = Wire.open("127.0.0.6", limited.port())) {
                    wire.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    assertThat(wire.read().status()).as("sequential connection %d", i).isEqualTo(200);
                    assertThat(wire.closedWithin(MARGIN_MILLIS)).isTrue();
                }
            }
            List<Wire> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Wire wire = Wire.open("127.0.0.6", limited.port());
                    held.add(wire);
                    // answered, so surely open and counted; kept open (keep-alive)
                    wire.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertThat(wire.read().status()).isEqualTo(200);
                }
                try (Wire fifth = Wire.open("127.0.0.6", limited.port())) {
                    fifth.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertThat(fifth.read().status()).as("the fifth connection from one address").isZero();
                }
                try (Wire other = Wire.open("127.0.0.7", limited.port())) {
                    other.send("GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertThat(other.read().status()).as("another address").isEqualTo(200);
                }
            } finally {
                held.forEach(Wire::close);
            }
        }
    }

    @Test
    void stoppingFinishesAPostInFlightAndSaysSo() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(CollectorServer.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(capture);
        CollectorServer stopping = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir.resolve("stopping")).shutdownTimeout(Duration.ofSeconds(60)).build());
        try (Wire wire = Wire.open("127.0.0.8", stopping.port())) {
            String key = new Http(stopping.url()).newKey();
            String body = batch(key);
            int half = body.length() / 2;
            wire.send("POST /api/log-request HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, half));
            // the handler is reading the body when the stop begins
            sleep(500);
            CompletableFuture<Void> closed = CompletableFuture.runAsync(stopping::close);
            long until = System.currentTimeMillis() + MARGIN_MILLIS;
            while (logged.stream().noneMatch(line -> line.startsWith("stopping")) && System.currentTimeMillis() < until) {
                sleep(20);
            }
            assertThat(logged).contains("stopping, 1 requests in flight");
            wire.send(body.substring(half));
            Wire.Answer answer = wire.read();
            assertThat(answer.status()).as("%s", answer).isEqualTo(201);
            closed.get(30, TimeUnit.SECONDS);
            assertThat(logged).contains("stopped");
        } finally {
            logger.removeHandler(capture);
            stopping.close();
        }
    }

    private Wire.Answer request(String head) {
        try (Wire wire = Wire.open("127.0.0.9", server.port())) {
            wire.send(head + "Host: localhost\r\nConnection: close\r\n\r\n");
            return wire.read();
        }
    }

    private static void assertJsonError(Wire.Answer answer, int status) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.header("Content-Type")).as("%s", answer).startsWith("application/json");
        JsonObject json = JsonParser.parseString(answer.body()).getAsJsonObject();
        assertThat(json.get("status").getAsInt()).isEqualTo(status);
        assertThat(json.get("message").getAsString()).isNotBlank();
    }

    static String batch(String key) {
        return "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":[{\"hostname\":\"h\",\"ip_address\":"
                + "\"8.8.8.8\",\"path\":\"/p\",\"user_agent\":\"curl/8\",\"method\":\"GET\",\"status\":200,"
                + "\"response_time\":5,\"created_at\":\"2025-03-01T08:00:00Z\"}]}";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
