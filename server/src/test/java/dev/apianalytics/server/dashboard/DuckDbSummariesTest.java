package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.StoredRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hourly summaries on the embedded DuckDB database, and a DuckDB bug they once hit. */
final class DuckDbSummariesTest extends SummariesContract {

    private Path directory;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception {
        directory = Files.createTempDirectory("summaries-duckdb");
        return builder.dataDir(directory);
    }

    @Override
    void cleanUp() {
        TestFiles.deleteRecursively(directory);
    }

    @Test
    void aLateBackfillLargerThanAStorageRowGroupIsSummarisedWhole() throws Exception {
        String key = http.newKey();
        SeedData.post(http, key, SeedData.rows(9, 50, NOW, 2));
        server.summarise();
        // a day's backlog of one busy client, more rows than DuckDB writes into one row group (122,880),
        // all into summarised hours: redone in one chunk, which once summarised none of them (DuckDB
        // 2.0 read a table created and then filled in one transaction as empty; docs/reliability.md)
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        Instant start = NOW.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        int late = 130_000;
        List<StoredRequest> rows = new ArrayList<>(late);
        for (int i = 0; i < late; i++) {
            rows.add(new StoredRequest(start.plusMillis(i * 100L), "api.example.com", "203.0.113.7", "/late", "/late", "GET",
                    200, 3, "curl/8", "curl", "Unknown", "other", false, "DE", null, "Gin", null));
        }
        server.storage().insertRequests(keyId, rows);
        assertThat(lateHours(server, key)).isPositive();
        server.summarise();
        JsonObject after = dashboard(key, "period=7d");
        assertThat(after.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(after)).isEqualTo(50 + late);
    }
}
