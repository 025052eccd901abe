package dev.apianalytics.server.summary;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.storage.Migration;
import java.time.Duration;
import java.util.List;

/**
 * The summaries' tables (owned by keys) and their job, {@link ServerContext.Job#SUMMARIES}, which
 * runs every {@link #INTERVAL}; no routes.
 */
public final class SummaryExtension implements ServerExtension {

    /** How often due hours are summarised; a summary is at most this late after {@link SummaryJob#LAG}. */
    static final Duration INTERVAL = Duration.ofMinutes(1);

    @Override
    public List<Migration> migrations() {
        return Summaries.migrations();
    }

    @Override
    public List<String> keyOwnedTables() {
        return Summaries.KEY_TABLES;
    }

    @Override
    public void install(Router router, ServerContext context) {
        context.register(ServerContext.Job.SUMMARIES, new SummaryJob(context.storage(), context.clock(),
                () -> context.config().rawRowsFrom(context.clock().instant()))::run);
        context.every(INTERVAL, Duration.ofSeconds(5), ServerContext.Job.SUMMARIES);
    }
}
