package dev.apianalytics.server.limits;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.storage.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The table behind {@link DatabaseLimiter} (PostgreSQL only) and the job that drops its full
 * buckets, whose rows say nothing that a missing row does not.
 */
public final class LimitsExtension implements ServerExtension {

    static final Duration CLEAN_UP_INTERVAL = Duration.ofMinutes(10);

    @Override
    public List<Migration> migrations() {
        return List.of(new Migration("limits-001-rate-limits", null, """
                CREATE TABLE IF NOT EXISTS rate_limits (
                  bucket VARCHAR PRIMARY KEY,
                  full_at BIGINT NOT NULL
                )"""));
    }

    @Override
    public void install(Router router, ServerContext context) {
        if (context.storage().dialect() != Dialect.POSTGRESQL) {
            return;
        }
        context.every(CLEAN_UP_INTERVAL, CLEAN_UP_INTERVAL, "dropping full rate-limit buckets", () -> {
            try {
                dropFullBuckets(context.storage(), context.clock());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Deletes the buckets that are full by now; returns how many. */
    static int dropFullBuckets(Storage storage, Clock clock) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM rate_limits WHERE full_at < ?")) {
            delete.setLong(1, Rate.nowMicros(clock));
            return delete.executeUpdate();
        }
    }
}
