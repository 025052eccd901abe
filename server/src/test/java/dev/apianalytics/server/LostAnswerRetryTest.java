package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.Uploader;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import dev.apianalytics.server.storage.StoredRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Core's real uploader posting through a proxy that holds the collector's first answer to
 * every batch past the uploader's request timeout: the rows are committed, the uploader sees
 * a timeout and retries, and the collector recognises the retry. Every record is stored once.
 */
class LostAnswerRetryTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @ValueSource(strings = {"duckdb", "postgresql"})
    void aBatchWhoseAnswerArrivesAfterTheTimeoutIsStoredExactlyOnce(String database) throws Exception {
        String pgUrl = database.equals("postgresql") ? TestEnvironment.freshPostgresSchemaUrl() : null;
        ServerConfig.Builder config = ServerConfig.builder().port(0).bind("127.0.0.1");
        config = pgUrl == null ? config.dataDir(dataDir) : config.databaseUrl(pgUrl);
        try (CollectorServer server = CollectorServer.start(config.build());
                SlowFirstAnswerProxy proxy = new SlowFirstAnswerProxy(server.url(), REQUEST_TIMEOUT.multipliedBy(3))) {
            String key = new Http(server.url()).newKey();
            Uploader uploader = new Uploader(Config.builder(key).serverUrl(proxy.url())
                    .requestTimeout(REQUEST_TIMEOUT).initialBackoff(Duration.ofMillis(50))
                    .batchSize(50).flushInterval(Duration.ofMillis(100)).flushOnShutdown(false).build(), "Javalin");
            int count = 200;
            long now = System.currentTimeMillis();
            for (int i = 0; i < count; i++) {
                uploader.offer(new RequestRecord("api.example.com", "8.8.8.8", "/items/" + i, "/items/{id}",
                        "curl/8.5.0", "GET", 200, 1_000, null, now + i));
            }
            assertThat(uploader.flush(Duration.ofSeconds(60))).isTrue();
            uploader.close();

            UploaderStats stats = uploader.stats();
            assertThat(stats.sent()).isEqualTo(count);
            assertThat(stats.failed()).isZero();
            // every batch's first answer was held past the timeout after its rows were committed
            assertThat(proxy.heldAnswers()).isGreaterThanOrEqualTo(count / 50);
            assertThat(stats.retried()).isGreaterThanOrEqualTo(proxy.heldAnswers());

            long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            List<StoredRequest> rows = new ArrayList<>();
            server.storage().readRequests(keyId, RequestFilter.ALL, 0, 10 * count, rows::add);
            Set<String> paths = new HashSet<>();
            rows.forEach(row -> paths.add(row.path()));
            assertThat(rows).hasSize(count);
            assertThat(paths).hasSize(count);
        } finally {
            if (pgUrl != null) {
                TestEnvironment.dropSchema(pgUrl);
            }
        }
    }

    /**
     * Forwards posts to the collector; the first answer for each {@code Idempotency-Key} (or
     * every answer, when a post has none) reaches the client only after {@code hold}.
     */
    private static final class SlowFirstAnswerProxy implements AutoCloseable {
        private static final List<String> FORWARDED = List.of("Content-Type", "Content-Encoding", "Idempotency-Key");

        private final String target;
        private final Duration hold;
        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "slow-proxy");
            thread.setDaemon(true);
            return thread;
        });
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final Set<String> seen = ConcurrentHashMap.newKeySet();
        private final AtomicInteger held = new AtomicInteger();

        SlowFirstAnswerProxy(String target, Duration hold) throws IOException {
            this.target = target;
            this.hold = hold;
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::forward);
            server.setExecutor(threads);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        int heldAnswers() {
            return held.get();
        }

        private void forward(HttpExchange exchange) throws IOException {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes()));
                for (String header : FORWARDED) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        request.header(header, value);
                    }
                }
                HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                String batchId = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                if (batchId == null || seen.add(batchId)) {
                    held.incrementAndGet();
                    Thread.sleep(hold.toMillis()); // the collector has committed; the client gives up meanwhile
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            } catch (IOException e) {
                // the client timed out and closed the connection: expected for held answers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
