package dev.apianalytics.server.summary;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.storage.Migration;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The summaries' tables (owned by keys) and their job, which runs every {@link #INTERVAL}; no routes. */
public final class SummaryExtension implements ServerExtension {

    /** How often due hours are summarised; a summary is at most this late after {@link SummaryJob#LAG}. */
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private volatile SummaryJob job;

    @Override
    public List<Migration> migrations() {
        return Summaries.migrations();
    }

    @Override
    public List<String> keyOwnedTables() {
        return Summaries.TABLES;
    }

    @Override
    public void install(Router router, ServerContext context) {
        job = new SummaryJob(context.storage(), context.clock(), () -> context.config().rawRowsFrom(context.clock().instant()));
        context.every(INTERVAL, Duration.ofSeconds(5), "summaries", () -> {
            try {
                job.run();
            } catch (SQLException e) {
                throw new StorageUnavailable("summarising hours failed: " + e.getMessage(), e);
            }
        });
    }

    /** Runs the job now, as every minute; returns until when every hour is summarised. */
    public Instant summarise() throws SQLException {
        return job.run();
    }
}
