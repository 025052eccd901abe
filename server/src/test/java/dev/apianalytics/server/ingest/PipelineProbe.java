package dev.apianalytics.server.ingest;

import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.RequestRecord;
import dev.apianalytics.core.WireFormat;
import dev.apianalytics.server.storage.DuckDbStorage;
import dev.apianalytics.server.storage.Schema;
import dev.apianalytics.server.storage.StoredRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

public final class PipelineProbe {
    public static void main(String[] args) throws Exception {
        Random random = new Random(1);
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            records.add(new RequestRecord("api.example.com", "8.8.8." + random.nextInt(3), "/users/" + i, "/users/{id}",
                    "curl/8.5.0", "GET", 200, 1234, "u" + i, System.currentTimeMillis()));
        }
        byte[] body = WireFormat.toJson("k", "Javalin", PrivacyLevel.STORE_IP, records).getBytes(StandardCharsets.UTF_8);
        RowParser rows = new RowParser(Clock.systemUTC());
        Enricher enricher = new Enricher(CountryLookup.open(java.nio.file.Path.of(args[0])));
        UserAgents.parse("x");
        List<StoredRequest> stored = null;
        for (int round = 0; round < 12; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < 50; n++) {
                BatchReader.Batch batch = BatchReader.read(body, 10_000);
                stored = new ArrayList<>();
                for (var e : batch.rows()) {
                    stored.add(enricher.enrich(rows.parse(e), 0, "Javalin"));
                }
            }
            long t1 = System.nanoTime();
            System.out.printf("parse+enrich: %.1f ms per 1000 rows%n", (t1 - t0) / 1e6 / 50);
        }
        CountryLookup geo = CountryLookup.open(java.nio.file.Path.of(args[0]));
        java.net.InetAddress ip = java.net.InetAddress.getByName("8.8.8.8");
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < 100_000; n++) geo.country(ip);
            long t1 = System.nanoTime();
            for (int n = 0; n < 100_000; n++) UserAgents.parse("curl/8.5.0");
            long t2 = System.nanoTime();
            for (int n = 0; n < 100_000; n++) Timestamps.parse("2026-11-26T08:15:30.123Z");
            long t3 = System.nanoTime();
            for (int n = 0; n < 100_000; n++) IpAddresses.parse("8.8.8.8");
            long t4 = System.nanoTime();
            System.out.printf("geo %.2f us, ua %.2f us, ts %.2f us, ip %.2f us%n", (t1-t0)/1e8, (t2-t1)/1e8, (t3-t2)/1e8, (t4-t3)/1e8);
        }
        var storage = DuckDbStorage.open(Files.createTempDirectory("probe"));
        storage.migrate(Schema.migrations());
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < 50; n++) {
                storage.insertRequests(1, stored);
            }
            long t1 = System.nanoTime();
            System.out.printf("duckdb insert: %.1f ms per 1000 rows%n", (t1 - t0) / 1e6 / 50);
        }
        List<StoredRequest> big = new ArrayList<>();
        for (int i = 0; i < 8; i++) big.addAll(stored);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int n = 0; n < 10; n++) {
                storage.insertRequests(1, big);
            }
            long t1 = System.nanoTime();
            System.out.printf("duckdb insert 8000 at once: %.1f ms per 1000 rows%n", (t1 - t0) / 1e6 / 80);
        }
        storage.close();
    }
}
