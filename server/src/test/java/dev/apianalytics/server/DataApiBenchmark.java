package dev.apianalytics.server;

import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.StoredRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data API on a large key: seeds {@code rows} rows for one key (plus a quarter as many for
 * another, interleaved) straight into storage, then times {@code GET /api/data} for the first,
 * a middle and the last page over loopback, body read to the end. Not run by {@code mvn verify}:
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.apianalytics.server.DataApiBenchmark -Dexec.args="duckdb 2000000"
 * </pre>
 */
public final class DataApiBenchmark {

    public static void main(String[] args) throws Exception {
        String storage = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "duckdb";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        String pgUrl = storage.startsWith("p") ? TestEnvironment.freshPostgresSchemaUrl() : null;
        ServerConfig.Builder config = ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(Files.createTempDirectory("api-analytics-data-bench"));
        if (pgUrl != null) {
            config.databaseUrl(pgUrl);
        }
        try (CollectorServer server = CollectorServer.start(config.build())) {
            Http http = new Http(server.url());
            String key = http.newKey();
            long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            long otherId = server.storage().findKey(ApiKeys.hash(http.newKey())).orElseThrow();
            long seedStart = System.nanoTime();
            Instant start = Instant.parse("2025-01-01T00:00:00Z");
            int batch = 20_000;
            for (int done = 0; done < rows; done += batch) {
                List<StoredRequest> chunk = new ArrayList<>(batch);
                for (int i = done; i < Math.min(rows, done + batch); i++) {
                    chunk.add(new StoredRequest(start.plusMillis(i * 50L), "api.example.com", "203.0.113." + (i % 250),
                            "/users/" + (i % 5_000), "/users/{id}", i % 5 == 0 ? "POST" : "GET", i % 20 == 0 ? 404 : 200,
                            0.5 + (i % 300), "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0", "Chrome", "Windows",
                            "desktop", false, i % 3 == 0 ? "US" : "DE", "user-" + (i % 1_000), "Javalin", null));
                }
                server.storage().insertRequests(keyId, chunk);
                if (done % (batch * 4) == 0) {
                    server.storage().insertRequests(otherId, chunk.subList(0, batch / 4));
                }
            }
            System.out.printf(Locale.ROOT, "seeded %,d rows in %.1f s%n", rows, (System.nanoTime() - seedStart) / 1e9);

            HttpClient client = HttpClient.newHttpClient();
            int pages = (rows + 49_999) / 50_000;
            for (int page : new int[] {1, 1, Math.max(1, pages / 2), pages}) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/api/data?page=" + page))
                        .header("X-AUTH-TOKEN", key).header("Accept-Encoding", "gzip").build();
                long t = System.nanoTime();
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                double seconds = (System.nanoTime() - t) / 1e9;
                System.out.printf(Locale.ROOT, "%s: page %d of %d: HTTP %d, %,d bytes gzipped, %.2f s%n",
                        server.storage().dialect(), page, pages, response.statusCode(), response.body().length, seconds);
            }
            System.out.printf(Locale.ROOT, "load average %.1f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            if (pgUrl != null) {
                TestEnvironment.dropSchema(pgUrl);
            }
        }
    }
}
