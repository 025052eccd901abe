package dev.apianalytics.server;

import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import dev.apianalytics.server.storage.StoredRequest;
import dev.apianalytics.server.summary.RowsPerHour;
import dev.apianalytics.server.summary.SummaryJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The data API on a large key: seeds {@code rows} rows for one key (plus a quarter as many for
 * another, interleaved) straight into storage, then times {@code GET /api/data} for the first,
 * a middle and the last page over loopback, body read to the end, each asked by number and by
 * the previous page's {@code Link}, beside the old offset query outside HTTP. Not run by {@code mvn verify}:
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
        // "keep" leaves the PostgreSQL schema in place, for looking at the plans afterwards
        boolean keep = args.length > 2 && args[2].equals("keep");
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
            // the summary job works through the seeded hours in the background; a page timed beside
            // it would share the two cores with it, which a collector past its first hours does not
            long summaryStart = System.nanoTime();
            Instant lastHour = start.plusMillis((rows - 1) * 50L).truncatedTo(ChronoUnit.HOURS);
            while (true) {
                try (Connection connection = server.storage().connection()) {
                    Instant until = SummaryJob.summarisedUntil(connection);
                    long lateHours;
                    try (var count = connection.createStatement().executeQuery("SELECT count(*) FROM late_hours")) {
                        count.next();
                        lateHours = count.getLong(1); // seeded rows are late rows: their hours are redone
                    }
                    if (until != null && until.isAfter(lastHour) && lateHours == 0) {
                        break;
                    }
                }
                Thread.sleep(500);
            }
            System.out.printf(Locale.ROOT, "the summary job caught up in %.1f s%n", (System.nanoTime() - summaryStart) / 1e9);

            HttpClient client = HttpClient.newHttpClient();
            int pages = (rows + 49_999) / 50_000;
            for (int page : new int[] {1, 1, Math.max(1, pages / 2), pages}) {
                // by number, as upstream's clients ask
                HttpResponse<byte[]> byNumber = get(client, server.url() + "/api/data?page=" + page, key, page, pages, "page=N");
                // the same page by the cursor in the previous page's Link, as a script following Link asks
                if (page > 1) {
                    String link = get(client, server.url() + "/api/data?page=" + (page - 1), key, page - 1, pages, "(previous)")
                            .headers().firstValue("Link").orElseThrow();
                    HttpResponse<byte[]> byLink = get(client, link.substring(1, link.indexOf('>')), key, page, pages, "Link");
                    if (!java.util.Arrays.equals(gunzip(byLink), gunzip(byNumber))) {
                        throw new IllegalStateException("page " + page + " differs by number and by Link");
                    }
                }
                // what the old handler did: count every row, then sort past the offset
                long t = System.nanoTime();
                long total = server.storage().countRequests(keyId, RequestFilter.ALL);
                int[] read = {0};
                server.storage().readRequests(keyId, RequestFilter.ALL, (page - 1) * 50_000L, 50_000, row -> read[0]++);
                System.out.printf(Locale.ROOT, "  offset SQL (count %,d + %,d rows), outside HTTP: %.2f s%n",
                        total, read[0], (System.nanoTime() - t) / 1e9);
            }
            // the price of X-Total-Count and of finding the page: the per-hour counts alone
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                int hours = server.storage().countRequestsByHour(keyId, RequestFilter.ALL).size();
                long summarised = System.nanoTime();
                RowsPerHour.count(server.storage(), keyId, RequestFilter.ALL);
                System.out.printf(Locale.ROOT, "per-hour counts (%d hours), outside HTTP: from the rows %.3f s, "
                        + "from the summaries %.3f s%n", hours, (summarised - t) / 1e9, (System.nanoTime() - summarised) / 1e9);
            }
            System.out.printf(Locale.ROOT, "load average %.1f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            if (pgUrl != null && !keep) {
                TestEnvironment.dropSchema(pgUrl);
            } else if (pgUrl != null) {
                System.out.println("kept " + pgUrl);
            }
        }
    }

    private static byte[] gunzip(HttpResponse<byte[]> response) throws java.io.IOException {
        boolean gzipped = response.headers().firstValue("Content-Encoding").orElse("").equals("gzip");
        try (var in = gzipped ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))
                : new java.io.ByteArrayInputStream(response.body())) {
            return in.readAllBytes();
        }
    }

    private static HttpResponse<byte[]> get(HttpClient client, String url, String key, int page, int pages, String how)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("X-AUTH-TOKEN", key)
                .header("Accept-Encoding", "gzip").build();
        long t = System.nanoTime();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        System.out.printf(Locale.ROOT, "page %d of %d by %s: HTTP %d, %,d bytes gzipped, %.2f s%n",
                page, pages, how, response.statusCode(), response.body().length, (System.nanoTime() - t) / 1e9);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return response;
    }
}
