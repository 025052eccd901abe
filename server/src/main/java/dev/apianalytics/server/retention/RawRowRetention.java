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
 * summarised again (a summary is never left without the rows it still needs). On PostgreSQL the
 * weekly partitions wholly past the horizon are dropped first, under {@link Storage#maintain}.
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
        long deleted = dropPartitions(cutoff);
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

    /**
     * Drops the partitions (PostgreSQL) wholly before the cutoff, the summarised hours and every
     * key's first late hour, so that the step deletes are left with the partition straddling the
     * horizon. A drop that cannot have its lock in time is left to the next run.
     */
    private long dropPartitions(Instant cutoff) {
        try {
            return storage.maintain(connection -> {
                Instant summarised = SummaryJob.summarisedUntil(connection);
                if (summarised == null) {
                    return 0L;
                }
                Instant before = summarised.isBefore(cutoff) ? summarised : cutoff;
                Instant firstLate = firstLateHour(connection, null, before);
                return storage.dropRequestPartitionsBefore(connection, firstLate == null ? before : firstLate);
            });
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "raw retention: cannot drop partitions now: " + e.getMessage());
            return 0;
        }
    }

    /** The first hour before {@code before} with late rows waiting, of one key or (null) of any. */
    private static Instant firstLateHour(Connection connection, Long keyId, Instant before) throws SQLException {
        try (PreparedStatement late = connection.prepareStatement("SELECT min(hour) FROM late_hours WHERE hour < ?"
                + (keyId == null ? "" : " AND key_id = ?"))) {
            late.setObject(1, Storage.utc(before));
            if (keyId != null) {
                late.setLong(2, keyId);
            }
            try (ResultSet rows = late.executeQuery()) {
                return rows.next() ? Storage.instant(rows, 1) : null;
            }
        }
    }

    /** Deletes a batch of the key's rows before the cutoff, the summarised hours and its first late hour. */
    private int deleteBatch(Connection connection, long keyId, Instant cutoff) throws SQLException {
        Instant summarised = SummaryJob.summarisedUntil(connection);
        if (summarised == null) {
            return 0;
        }
        Instant before = summarised.isBefore(cutoff) ? summarised : cutoff;
        Instant firstLate = firstLateHour(connection, keyId, before);
        return storage.deleteRequestsBefore(connection, keyId, firstLate == null ? before : firstLate, ROWS_PER_TRANSACTION);
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
