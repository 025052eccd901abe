package dev.apianalytics.server.retention;

import dev.apianalytics.server.storage.Storage;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongConsumer;

/** Deletes keys, and everything they own, that saw no activity for the retention period. */
public final class RetentionJob {

    private static final System.Logger LOG = System.getLogger(RetentionJob.class.getName());

    private final Storage storage;
    private final Clock clock;
    private final Duration retention;
    private final LongConsumer onKeyDeleted;

    public RetentionJob(Storage storage, Clock clock, Duration retention, LongConsumer onKeyDeleted) {
        this.storage = storage;
        this.clock = clock;
        this.retention = retention;
        this.onKeyDeleted = onKeyDeleted;
    }

    /** One pass; returns how many keys were deleted. Does nothing when retention is zero (keep forever). */
    public int run() throws SQLException {
        if (retention.isZero()) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(retention);
        int deleted = 0;
        for (long keyId : storage.inactiveKeys(cutoff)) {
            if (storage.deleteKey(keyId)) {
                onKeyDeleted.accept(keyId);
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.log(System.Logger.Level.INFO, "retention: deleted " + deleted + " key(s) inactive since before " + cutoff);
        }
        return deleted;
    }
}
