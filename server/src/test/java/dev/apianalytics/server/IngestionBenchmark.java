package dev.apianalytics.server;

import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.WireFormat;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ingestion end to end on loopback: 1,000-row gzipped batches in our wire format, posted by a
 * few concurrent clients, timed from the first post to the last committed 201, then checked
 * against the row count in storage. Not a unit test (it is not run by {@code mvn verify}):
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.apianalytics.server.IngestionBenchmark -Dexec.args="duckdb 300 4"
 * </pre>
 *
 * Arguments: {@code duckdb|postgresql}, batches to post (after 20 warm-up batches), concurrent clients.
 */
public final class IngestionBenchmark {

    private static final int ROWS_PER_BATCH = 1_000;
    private static final int WARM_UP_BATCHES = 20;

    public static void main(String[] args) throws Exception {
        String storage = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "duckdb";
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;

        Path dataDir = Files.createTempDirectory("api-analytics-bench");
        String pgUrl = storage.startsWith("p") ? TestEnvironment.freshPostgresSchemaUrl() : null;
        ServerConfig.Builder config = ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                .geoDatabase(TestEnvironment.geoDatabase()).postsPerMinute(1_000_000);
        if (pgUrl != null) {
            config.databaseUrl(pgUrl);
        }
        try (CollectorServer server = CollectorServer.start(config.build())) {
            Http http = new Http(server.url());
            String key = http.newKey();
            List<byte[]> bodies = new ArrayList<>();
            Random random = new Random(42);
            for (int i = 0; i < 50; i++) {
                bodies.add(Http.gzip(batch(key, random).getBytes(StandardCharsets.UTF_8)));
            }
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create(server.url() + "/api/log-request");
            post(client, uri, bodies, WARM_UP_BATCHES, clients);

            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            post(client, uri, bodies, batches, clients);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMicrosPerRow = (os.getProcessCpuTime() - cpuStart) / 1e3 / ((double) batches * ROWS_PER_BATCH);

            long stored = server.storage().countRequests(server.storage().findKey(ApiKeys.hash(key)).orElseThrow(),
                    RequestFilter.ALL);
            long expected = (long) (WARM_UP_BATCHES + batches) * ROWS_PER_BATCH;
            if (stored != expected) {
                throw new IllegalStateException("stored " + stored + " rows, expected " + expected);
            }
            System.out.printf(Locale.ROOT, "%s: %d batches of %d rows, %d clients: %.2f s, %,.0f rows/s (%d rows stored)%n",
                    server.storage().dialect(), batches, ROWS_PER_BATCH, clients, seconds,
                    batches * ROWS_PER_BATCH / seconds, stored);
            // CPU time of this JVM (collector and the posting clients together; PostgreSQL's own
            // processes are not counted): what the rate would be if both cores were ours alone
            System.out.printf(Locale.ROOT, "    %.1f us of CPU per row in this JVM; %,.0f rows/s if %d cores were idle; load average %.1f%n",
                    cpuMicrosPerRow, Runtime.getRuntime().availableProcessors() * 1e6 / cpuMicrosPerRow,
                    Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage());
        } finally {
            if (pgUrl != null) {
                TestEnvironment.dropSchema(pgUrl);
            }
        }
    }

    private static void post(HttpClient client, URI uri, List<byte[]> bodies, int batches, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < batches) {
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i % bodies.size()))).build();
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 201) {
                        throw new IllegalStateException("post answered " + response.statusCode() + ": " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        pool.shutdown();
    }

    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        "curl/8.5.0", "python-requests/2.31.0", "okhttp/4.12.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"};
    private static final String[] IPS = {"8.8.8.8", "1.1.1.1", "81.2.69.142", "133.242.0.3", "193.0.6.139", "9.9.9.9"};
    private static final String[] ROUTES = {"/users/{id}", "/orders/{id}", "/health", "/products/{id}/reviews"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final int[] STATUSES = {200, 200, 200, 201, 204, 301, 400, 404, 500};

    private static String batch(String key, Random random) {
        List<RequestRecord> records = new ArrayList<>(ROWS_PER_BATCH);
        long now = System.currentTimeMillis();
        for (int i = 0; i < ROWS_PER_BATCH; i++) {
            String route = ROUTES[random.nextInt(ROUTES.length)];
            records.add(new RequestRecord("api.example.com", IPS[random.nextInt(IPS.length)],
                    route.replace("{id}", Integer.toString(random.nextInt(10_000))), route,
                    AGENTS[random.nextInt(AGENTS.length)], METHODS[random.nextInt(METHODS.length)],
                    STATUSES[random.nextInt(STATUSES.length)], 200 + random.nextInt(50_000),
                    random.nextInt(4) == 0 ? null : "user-" + random.nextInt(500), now - random.nextInt(3_600_000)));
        }
        return WireFormat.toJson(key, "Javalin", PrivacyLevel.STORE_IP, records);
    }
}
