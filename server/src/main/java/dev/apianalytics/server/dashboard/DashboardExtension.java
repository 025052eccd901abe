package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.storage.Dialect;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard's server side: {@code GET /api/dashboard} answers every panel for a period and
 * filter set, {@code GET /api/dashboard/export.csv} the rows behind that view. Both take the key
 * in {@code X-AUTH-TOKEN}. The pages themselves are static files.
 */
public final class DashboardExtension implements ServerExtension {

    /** Panels computed side by side, across every dashboard request (DuckDB only, see {@link #panelThreads}). */
    static final int PANEL_THREADS = 8;

    private volatile ExecutorService panelThreads;

    @Override
    public void install(Router router, ServerContext context) {
        if (context.storage().dialect() == Dialect.DUCKDB) {
            // DuckDB connections are cheap duplicates of one database; PostgreSQL's come from a
            // bounded pool that parallel panels of a few concurrent requests would drain
            panelThreads = newPanelThreads();
        }
        router.get("/api/dashboard", exchange -> aggregate(exchange, context));
        router.get("/api/dashboard/export.csv", exchange -> export(exchange, context));
    }

    /** Daemon threads that each run one panel query at a time. */
    static ExecutorService newPanelThreads() {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(PANEL_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "api-analytics-dashboard-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void close() {
        ExecutorService threads = panelThreads;
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    private void aggregate(Exchange exchange, ServerContext context) throws Exception {
        long keyId = context.keys().authenticate(exchange);
        DashboardQuery query = DashboardQuery.parse(exchange.queryParameters());
        Instant now = context.clock().instant();
        DashboardData data;
        try (Connection connection = context.storage().connection()) {
            ExecutorService threads = panelThreads;
            DashboardAggregator aggregator = threads == null
                    ? new DashboardAggregator(connection, context.storage().dialect())
                    : new DashboardAggregator(connection, context.storage().dialect(), context.storage()::connection, threads);
            data = aggregator.compute(keyId, query, now);
        } catch (SQLException e) {
            throw new StorageUnavailable("dashboard aggregates failed: " + e.getMessage(), e);
        }
        exchange.setHeader("Cache-Control", "no-store");
        exchange.sendJson(200, data);
    }

    private static void export(Exchange exchange, ServerContext context) throws Exception {
        long keyId = context.keys().authenticate(exchange);
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
                    // headers are gone: end the body early; the client sees a truncated download
                    writer.write("\r\n# export stopped: storage failed\r\n");
                }
                writer.flush();
            });
        } catch (SQLException e) {
            throw new StorageUnavailable("export failed: " + e.getMessage(), e);
        }
    }
}
