package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The dashboard's server side: {@code GET /api/dashboard} answers every panel for a period and
 * filter set, {@code GET /api/dashboard/export.csv} the rows behind that view. Both take the key,
 * or a read-only dashboard id, in {@code X-AUTH-TOKEN}. The pages themselves are static files. It
 * reads the hourly summaries that {@link dev.apianalytics.server.summary.SummaryExtension} keeps.
 */
public final class DashboardExtension implements ServerExtension {

    private static final System.Logger LOG = System.getLogger(DashboardExtension.class.getName());

    /** Reads parts of a summarised dashboard (sketches, some rows, the hidden patterns' check) beside its other panels, and half a streamed view's rows. */
    private final ExecutorService partThreads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "api-analytics-dashboard-parts");
        thread.setDaemon(true);
        return thread;
    });
    /** One view's rows tallied at a time, which bounds the memory that takes ({@link DashboardAggregator}). */
    private final Semaphore tallying = new Semaphore(1);

    @Override
    public void install(Router router, ServerContext context) {
        HiddenPathChecks hiddenPaths = new HiddenPathChecks(context.clock());
        router.get("/api/dashboard", exchange -> aggregate(exchange, context, hiddenPaths));
        router.get("/api/dashboard/export.csv", exchange -> export(exchange, context));
    }

    @Override
    public void close() {
        partThreads.shutdownNow();
    }

    private void aggregate(Exchange exchange, ServerContext context, HiddenPathChecks hiddenPaths) throws Exception {
        long keyId = context.keys().authenticateReader(exchange);
        DashboardQuery query = DashboardQuery.parse(exchange.queryParameters());
        Instant now = context.clock().instant();
        Instant rowsFrom = context.config().rawRowsFrom(now);
        DashboardData data;
        try (Connection connection = context.storage().connection()) {
            SummaryAggregator summaries = new SummaryAggregator(connection, context.storage(), partThreads, hiddenPaths);
            data = summarised(summaries, context, keyId, query, now, rowsFrom).orElse(null);
            if (data == null) {
                data = new DashboardAggregator(connection, context.storage(), partThreads, tallying).compute(keyId, query, now);
                if (!summaries.rowsNeededFor().isEmpty()) {
                    data = data.withRowsReadFor(summaries.rowsNeededFor());
                }
            }
        } catch (SQLException e) {
            throw new StorageUnavailable("dashboard aggregates failed: " + e.getMessage(), e);
        }
        if (rowsFrom != null && reachesBefore(data, rowsFrom)) {
            data = data.withRowsFrom(rowsFrom.toString());
        }
        exchange.setHeader("Cache-Control", "no-store");
        exchange.sendJson(200, data);
    }

    /** The view from the hourly summaries when they can answer it; a summary that cannot be read leaves it to the rows. */
    private static Optional<DashboardData> summarised(SummaryAggregator summaries, ServerContext context, long keyId,
            DashboardQuery query, Instant now, Instant rowsFrom) throws SQLException {
        try {
            return summaries.compute(keyId, query, now, context.config().summaryMinRequests(), rowsFrom);
        } catch (IllegalArgumentException | CompletionException e) {
            LOG.log(System.Logger.Level.WARNING, "a stored dashboard summary cannot be read; answering from the rows", e);
            return Optional.empty();
        }
    }

    /**
     * Whether deleted raw rows change what the view says: it starts before them, or, answered
     * from the rows, compares with a previous period that does.
     */
    private static boolean reachesBefore(DashboardData data, Instant rowsFrom) {
        Instant from = Instant.parse(data.from());
        Instant previousFrom = from.minus(Duration.between(from, Instant.parse(data.to())));
        return from.isBefore(rowsFrom) || !data.estimated() && !"all".equals(data.period()) && previousFrom.isBefore(rowsFrom);
    }

    private static void export(Exchange exchange, ServerContext context) throws Exception {
        long keyId = context.keys().authenticateReader(exchange);
        DashboardQuery query = DashboardQuery.parse(exchange.queryParameters());
        Instant now = context.clock().instant();
        exchange.setHeader("Cache-Control", "no-store");
        exchange.setHeader("Content-Disposition", "attachment; filename=\"api-analytics-" + query.period().name + ".csv\"");
        try (Connection connection = context.storage().connection()) {
            exchange.stream(200, "text/csv; charset=utf-8", out -> {
                Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
                try {
                    new CsvExport(connection, context.storage().dialect()).write(keyId, query, now, writer);
                } catch (SQLException e) {
                    // headers are gone: end the body early; the client sees a truncated download, the operator why
                    LOG.log(System.Logger.Level.WARNING, "a CSV export stopped: the storage failed", e);
                    writer.write("\r\n# export stopped: storage failed\r\n");
                }
                writer.flush();
            });
        } catch (SQLException e) {
            throw new StorageUnavailable("export failed: " + e.getMessage(), e);
        }
    }
}
