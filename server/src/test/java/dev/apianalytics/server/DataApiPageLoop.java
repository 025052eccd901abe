package dev.apianalytics.server;

import dev.apianalytics.server.keys.ApiKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Pages of a PostgreSQL schema that {@code DataApiBenchmark postgresql N keep} left behind, asked
 * over and over by a collector started on it: for comparing two builds side by side on the same
 * rows (run each build's classes in turn) without seeding and summarising again. Not run by
 * {@code mvn verify}:
 *
 * <pre>
 * java -cp server/target/test-classes:server/target/classes:&lt;test classpath&gt; \
 *     dev.apianalytics.server.DataApiPageLoop '&lt;the kept schema's URL&gt;' 16 20
 * </pre>
 *
 * asks pages 1, the middle one and the last ({@code pages}, 20 for a million rows) in each of
 * {@code rounds} rounds and prints the median, best, 90th percentile and worst after six rounds
 * of warm-up.
 */
public final class DataApiPageLoop {

    private static final int WARM_UP_ROUNDS = 6;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int rounds = Integer.parseInt(args[1]);
        int pages = Integer.parseInt(args[2]);
        // the benchmark's plaintext key is gone: give its key (the first made) one we know
        String key = "3f1c6b2a-0000-4000-8000-000000000042";
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE api_keys SET key_hash = ? WHERE key_id = (SELECT min(key_id) FROM api_keys)")) {
            update.setString(1, ApiKeys.hash(key));
            update.executeUpdate();
        }
        ServerConfig config = ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(Files.createTempDirectory("api-analytics-data-bench")).databaseUrl(url).build();
        try (CollectorServer server = CollectorServer.start(config)) {
            HttpClient client = HttpClient.newHttpClient();
            List<Long> millis = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                for (int page : new int[] {1, Math.max(1, pages / 2), pages}) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/api/data?page=" + page))
                            .header("X-AUTH-TOKEN", key).header("Accept-Encoding", "gzip").build();
                    long start = System.nanoTime();
                    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                    if (round >= WARM_UP_ROUNDS) {
                        millis.add((System.nanoTime() - start) / 1_000_000);
                    }
                }
            }
            Collections.sort(millis);
            System.out.printf(Locale.ROOT, "%d pages after %d rounds of warm-up: median %d ms, best %d, 90th percentile %d, "
                    + "worst %d%n", millis.size(), WARM_UP_ROUNDS, millis.get(millis.size() / 2), millis.get(0),
                    millis.get(millis.size() * 9 / 10), millis.get(millis.size() - 1));
        }
    }
}
