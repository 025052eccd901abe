package dev.apianalytics.server.health;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.Handler;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.metrics.CollectorMetrics;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.SummaryJob;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How the collector is doing, for orchestrators and Prometheus: liveness and readiness probes, and {@code GET /metrics} in Prometheus text format: answers per
 * route and status, ingested rows, ingestion latency, summary lag, monitor pings, the database
 * pool and the JVM. Metrics are served on the main port, on {@code --metrics-port} alone, or not
 * at all ({@code --metrics off}); the probes are always there.
 */
public final class HealthExtension implements ServerExtension {

    private HTTPServer separatePort;

    @Override
    public void install(Router router, ServerContext context) {
        router.get("/api/health/live", exchange -> exchange.sendJson(200, Map.of("status", "live")));
        router.get("/api/health/ready", exchange -> ready(exchange, context.storage()));
        ServerConfig config = context.config();
        if (!config.metrics()) {
            return;
        }
        CollectorMetrics metrics = context.metrics();
        router.decorate((method, pattern, handler) -> counting(metrics, pattern, method, handler));
        PrometheusRegistry registry = metrics.registry();
        summaryLag(registry, context.storage(), context.clock());
        context.storage().pool().ifPresent(status -> pool(registry, status));
        JvmMetrics.builder().register(registry);
        if (config.metricsPort() == 0) {
            PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
            router.get("/metrics", exchange -> exchange.stream(200, writer.getContentType(),
                    out -> writer.write(out, registry.scrape())));
            return;
        }
        try {
            separatePort = HTTPServer.builder().hostname(config.bind()).port(config.metricsPort()).registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + config.metricsPort() + ": " + e.getMessage(), e);
        }
    }

    /** Ready when the database answers a query on the migrated schema (routes exist only after migrations ran). */
    private static void ready(Exchange exchange, Storage storage) throws IOException {
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT COUNT(*) FROM schema_migrations").close();
        } catch (SQLException | RuntimeException e) {
            throw new ApiException(503, "not ready: the database does not answer", Map.of("Retry-After", "5"));
        }
        exchange.sendJson(200, Map.of("status", "ready"));
    }

    /** Counts what a route answered: its status, or the one the router will send for its exception. */
    private static Handler counting(CollectorMetrics metrics, String pattern, String method, Handler handler) {
        return exchange -> {
            int status = 0;
            try {
                handler.handle(exchange);
            } catch (ApiException e) {
                status = e.status();
                throw e;
            } catch (StorageUnavailable e) {
                status = 503;
                throw e;
            } catch (IOException e) {
                throw e; // the client went away: nothing is answered
            } catch (Throwable e) {
                status = 500;
                throw e;
            } finally {
                if (exchange.status() != 0) {
                    status = exchange.status(); // an answer already on its way is what the client sees
                }
                if (status != 0) {
                    metrics.answered(pattern, method, status);
                }
            }
        };
    }

    /** How far the hourly summaries are behind now; no sample before the first summary or when the database is down. */
    private static void summaryLag(PrometheusRegistry registry, Storage storage, Clock clock) {
        GaugeWithCallback.builder()
                .name("apianalytics_summary_lag_seconds")
                .help("Seconds from the end of the last summarised hour to now (normally under two hours)")
                .callback(callback -> {
                    try (Connection connection = storage.connection()) {
                        Instant until = SummaryJob.summarisedUntil(connection);
                        if (until != null) {
                            callback.call(Duration.between(until, clock.instant()).toMillis() / 1000.0);
                        }
                    } catch (SQLException | RuntimeException e) {
                        // the readiness probe reports a database that does not answer
                    }
                })
                .register(registry);
    }

    private static void pool(PrometheusRegistry registry, HikariPoolMXBean pool) {
        GaugeWithCallback.builder()
                .name("apianalytics_db_connections")
                .help("PostgreSQL pool connections by state (pending: threads waiting for one)")
                .labelNames("state")
                .callback(callback -> {
                    callback.call(pool.getActiveConnections(), "active");
                    callback.call(pool.getIdleConnections(), "idle");
                    callback.call(pool.getThreadsAwaitingConnection(), "pending");
                })
                .register(registry);
    }

    @Override
    public void close() {
        if (separatePort != null) {
            separatePort.close();
        }
    }
}
