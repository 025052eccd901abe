package dev.apianalytics.server.limits;

import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.storage.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

/**
 * A {@link Limiter} in PostgreSQL's {@code rate_limits}, shared by every collector on the
 * database. An allowed event costs one upsert of one row by its primary key; only a refused one
 * reads the row again to say how long to wait.
 */
final class DatabaseLimiter implements Limiter {

    /** Counts the event when the bucket holds it; returns a row only then. */
    private static final String TAKE = """
            INSERT INTO rate_limits AS r (bucket, full_at) VALUES (?, ?)
            ON CONFLICT (bucket) DO UPDATE SET full_at = GREATEST(r.full_at, ?) + ?
            WHERE GREATEST(r.full_at, ?) + ? - ? <= ?
            RETURNING full_at""";

    private final Storage storage;
    private final String name;
    private final Rate rate;
    private final Clock clock;

    DatabaseLimiter(Storage storage, String name, Rate rate, Clock clock) {
        this.storage = storage;
        this.name = name;
        this.rate = rate;
        this.clock = clock;
    }

    @Override
    public long acquire(String subject) {
        String bucket = name + ":" + subject;
        long now = Rate.nowMicros(clock);
        long interval = rate.intervalMicros();
        try (Connection connection = storage.connection()) {
            try (PreparedStatement take = connection.prepareStatement(TAKE)) {
                take.setString(1, bucket);
                take.setLong(2, now + interval);
                take.setLong(3, now);
                take.setLong(4, interval);
                take.setLong(5, now);
                take.setLong(6, interval);
                take.setLong(7, now);
                take.setLong(8, rate.burstMicros());
                try (ResultSet rows = take.executeQuery()) {
                    if (rows.next()) {
                        return 0;
                    }
                }
            }
            try (PreparedStatement read = connection.prepareStatement("SELECT full_at FROM rate_limits WHERE bucket = ?")) {
                read.setString(1, bucket);
                try (ResultSet rows = read.executeQuery()) {
                    long fullAt = rows.next() ? rows.getLong(1) : now;
                    return rate.secondsToWait(rate.fullAfterEvent(fullAt, now), now);
                }
            }
        } catch (SQLException e) {
            throw new StorageUnavailable("rate limit check failed: " + e.getMessage(), e);
        }
    }
}
