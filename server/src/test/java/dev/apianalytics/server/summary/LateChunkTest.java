package dev.apianalytics.server.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.storage.DuckDbStorage;
import dev.apianalytics.server.storage.PostgresStorage;
import dev.apianalytics.server.storage.Schema;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.storage.StoredRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's backlog of late rows is redone in transactions of a bounded number of rows, not of
 * hours: 40 late hours of 100 rows and one of 1,000, with at most 250 rows a chunk, take two
 * hours a chunk (eight chunks a run), and the big hour a chunk of its own.
 */
final class LateChunkTest {

    private static final Instant NOW = Instant.parse("2026-11-20T15:30:00Z");
    private static final int ROWS_PER_CHUNK = 250;

    @Test
    void onDuckDbEachChunkHoldsAtMostItsRows(@TempDir Path directory) throws Exception {
        try (Storage storage = DuckDbStorage.open(directory, SummaryJob.LATE_AFTER)) {
            redoInBoundedChunks(storage);
        }
    }

    @Test
    void onPostgresEachChunkHoldsAtMostItsRows() throws Exception {
        String url = TestEnvironment.freshPostgresSchemaUrl();
        try (Storage storage = PostgresStorage.open(url, 4, SummaryJob.LATE_AFTER)) {
            redoInBoundedChunks(storage);
        } finally {
            TestEnvironment.dropSchema(url);
        }
    }

    private static void redoInBoundedChunks(Storage storage) throws Exception {
        storage.migrate(Schema.migrations());
        storage.migrate(Summaries.migrations());
        long keyId = storage.createKey("late-chunks", NOW);
        SummaryJob job = new SummaryJob(storage, Clock.fixed(NOW, ZoneOffset.UTC), () -> null, ROWS_PER_CHUNK);
        job.run();
        // a client back after two days posts what it held: every row lands in an hour summarised already
        Instant firstHour = NOW.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(2));
        List<StoredRequest> rows = new ArrayList<>();
        for (int hour = 0; hour < 41; hour++) {
            int count = hour == 40 ? 1_000 : 100;
            for (int i = 0; i < count; i++) {
                rows.add(row(firstHour.plus(Duration.ofHours(hour)).plusSeconds(i * 3600L / count)));
            }
        }
        storage.insertRequests(keyId, rows);
        assertThat(lateHours(storage, keyId)).isEqualTo(41);

        job.run();
        // eight chunks of two hours: a third would pass 250 rows
        assertThat(lateHours(storage, keyId)).isEqualTo(41 - 16);
        job.run();
        assertThat(lateHours(storage, keyId)).isEqualTo(41 - 32);
        job.run();
        // four chunks of two hours, then the hour of 1,000 rows alone
        assertThat(lateHours(storage, keyId)).isZero();
        assertThat(summarisedRequests(storage, keyId)).isEqualTo(rows.size());
    }

    private static StoredRequest row(Instant createdAt) {
        return new StoredRequest(createdAt, "api.example.com", "203.0.113.7", "/v1/orders", "/v1/orders", "GET", 200, 12.5,
                "agent", "curl", "Linux", "other", false, "DE", null, "Javalin", null);
    }

    private static long lateHours(Storage storage, long keyId) throws SQLException {
        return single(storage, "SELECT count(DISTINCT hour) FROM late_hours WHERE key_id = ?", keyId);
    }

    private static long summarisedRequests(Storage storage, long keyId) throws SQLException {
        return single(storage, "SELECT coalesce(sum(requests), 0) FROM rollup_endpoints WHERE key_id = ?", keyId);
    }

    private static long single(Storage storage, String sql, long keyId) throws SQLException {
        try (Connection connection = storage.connection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, keyId);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }
}
