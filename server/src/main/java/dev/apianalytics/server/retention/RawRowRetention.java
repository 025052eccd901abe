package dev.apianalytics.server.retention;

import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.SummaryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes raw request rows older than the raw retention while their hourly summaries stay: a
 * bounded batch of one key's rows per transaction, each under {@link Storage#maintainKey}, so no
 * lock is held for long, and only in hours already summarised and with no late rows waiting to be
 * summarised again (a summary is never left without the rows it still needs).
 */
public final class RawRowRetention {

    /** Rows deleted per transaction: a short lock on one key, however many rows are due. */
    static final int ROWS_PER_TRANSACTION = 5_000;
    /** Transactions per run: the first run over a large database catches up over several runs. */
    static final int TRANSACTIONS_PER_RUN = 400;

    private static final System.Logger LOG = System.getLogger(RawRowRetention.class.getName());

    private final Storage storage;
    private final Clock clock;
    private final Duration retention;

    public RawRowRetention(Storage storage, Clock clock, Duration retention) {
        this.storage = storage;
        this.clock = clock;
        this.retention = retention;
    }

    /** One pass; returns how many rows were deleted. Does nothing when the retention is zero (keep). */
    public long run() throws SQLException {
        if (retention.isZero()) {
            return 0;
        }
        // Ingestion refuses rows before the horizon (ServerConfig.rawRowsFrom), which a whole
        // SummaryJob.LATE_AFTER later still has not passed this cutoff: a row accepted just before the
        // horizon moved, and committed within LATE_AFTER, lands in an hour this run keeps.
        Instant cutoff = clock.instant().minus(retention).minus(SummaryJob.LATE_AFTER).truncatedTo(ChronoUnit.HOURS);
        long deleted = 0;
        int budget = TRANSACTIONS_PER_RUN;
        for (long keyId : keysWithRowsBefore(cutoff)) {
            int batch = ROWS_PER_TRANSACTION;
            while (batch == ROWS_PER_TRANSACTION && budget-- > 0) {
                batch = storage.maintainKey(keyId, connection -> deleteBatch(connection, keyId, cutoff));
                deleted += batch;
            }
        }
        if (deleted > 0) {
            LOG.log(System.Logger.Level.INFO, "raw retention: deleted " + deleted + " row(s) made before " + cutoff);
        }
        return deleted;
    }

    /** Deletes a batch of the key's rows before the cutoff, the summarised hours and its first late hour. */
    private int deleteBatch(Connection connection, long keyId, Instant cutoff) throws SQLException {
        Instant summarised = SummaryJob.summarisedUntil(connection);
        if (summarised == null) {
            return 0;
        }
        Instant before = summarised.isBefore(cutoff) ? summarised : cutoff;
        try (PreparedStatement late = connection.prepareStatement(
                "SELECT min(hour) FROM late_hours WHERE key_id = ? AND hour < ?")) {
            late.setLong(1, keyId);
            late.setObject(2, Storage.utc(before));
            try (ResultSet rows = late.executeQuery()) {
                Instant firstLate = rows.next() ? Storage.instant(rows, 1) : null;
                if (firstLate != null) {
                    before = firstLate;
                }
            }
        }
        return storage.deleteRequestsBefore(connection, keyId, before, ROWS_PER_TRANSACTION);
    }

    private List<Long> keysWithRowsBefore(Instant cutoff) throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT key_id FROM api_keys k WHERE EXISTS "
                        + "(SELECT 1 FROM requests r WHERE r.key_id = k.key_id AND r.created_at < ?) ORDER BY key_id")) {
            select.setObject(1, Storage.utc(cutoff));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getLong(1));
                }
            }
        }
        return keys;
    }
}
