package dev.apianalytics.server;

import dev.apianalytics.server.ServerContext.Job;
import dev.apianalytics.server.data.DataHandler;
import dev.apianalytics.server.data.DeleteHandlers;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.enrich.CountryLookup;
import dev.apianalytics.server.ingest.IngestHandler;
import dev.apianalytics.server.retention.RawRowRetention;
import dev.apianalytics.server.retention.RetentionJob;
import dev.apianalytics.server.storage.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The collector's own endpoints: ingestion, the data API, deletion, health; and the retention
 * jobs ({@link Job#RETENTION}, {@link Job#RAW_RETENTION}).
 */
final class CollectorApi implements ServerExtension {

    private static final System.Logger LOG = System.getLogger(CollectorApi.class.getName());
    static final Duration RETENTION_INTERVAL = Duration.ofHours(1);
    /** Raw rows fall out of the retention an hour at a time; a run does at most a bounded number of batches. */
    static final Duration RAW_RETENTION_INTERVAL = Duration.ofMinutes(10);
    /** How long a batch's Idempotency-Key is remembered: far longer than any client retries. */
    static final Duration BATCH_ID_LIFETIME = Duration.ofHours(24);

    private CountryLookup countries = CountryLookup.none();
    /** Builds the closed weeks' indexes ({@link dev.apianalytics.server.storage.Storage#indexClosedRequestPartitions}). */
    private final ExecutorService indexBuilder = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "api-analytics-index-builder");
        thread.setDaemon(true);
        return thread;
    });
    /** Whether a run of {@link #indexBuilder} is under way: an hour's run waits for none. */
    private final AtomicBoolean indexing = new AtomicBoolean();

    @Override
    public List<String> keyOwnedTables() {
        return List.of(Schema.INGEST_BATCHES, Schema.LATE_HOURS);
    }

    @Override
    public void install(Router router, ServerContext context) {
        ServerConfig config = context.config();
        countries = openCountries(config);
        var ingest = new IngestHandler(config, context.keys(), context.storage(), countries, context.metrics());
        var deletes = new DeleteHandlers(context.keys(), context.storage(), keyId -> {});
        var data = new DataHandler(context.keys(), context.storage(), config.dataPageSize(), config::rawRowsFrom,
                context.clock());

        router.post("/api/log-request", ingest);
        router.post("/api/requests", ingest);
        router.get("/api/data", data);
        router.delete("/api/data", deletes::deleteData);
        router.delete("/api/key", deletes::deleteKey);
        router.get("/api/health", exchange -> {
            try (Connection connection = context.storage().connection(); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            } catch (SQLException e) {
                throw new StorageUnavailable("health check failed: " + e.getMessage(), e);
            }
            exchange.sendJson(200, Map.of("status", "healthy"));
        });

        context.every(RETENTION_INTERVAL, Duration.ofMinutes(2), "forgetting old batch ids", () -> {
            try {
                context.storage().forgetBatchesBefore(context.clock().instant().minus(BATCH_ID_LIFETIME));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        context.every(RETENTION_INTERVAL, RETENTION_INTERVAL, "request partitions", () -> {
            try {
                context.storage().prepareRequestPartitions(context.clock().instant());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        // minutes after start-up, so that an upgraded database gets its indexes that day, not an hour later;
        // on a thread of its own, as a build can take minutes where the shared job threads are two
        context.every(RETENTION_INTERVAL, Duration.ofMinutes(3), "indexes of closed request partitions", () -> {
            if (indexing.compareAndSet(false, true)) {
                indexBuilder.execute(() -> {
                    try {
                        Instant now = context.clock().instant();
                        context.storage().indexClosedRequestPartitions(now, config.rawRowsFrom(now));
                    } catch (SQLException | RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "cannot index the closed request partitions yet; "
                                + "the next run, in " + RETENTION_INTERVAL + ", tries again", e);
                    } finally {
                        indexing.set(false);
                    }
                });
            }
        });

        context.register(Job.RETENTION,
                new RetentionJob(context.storage(), context.clock(), config.retention(), context.keys()::forget)::run);
        if (!config.retention().isZero()) {
            context.every(RETENTION_INTERVAL, Duration.ofMinutes(1), Job.RETENTION);
        }
        context.register(Job.RAW_RETENTION, new RawRowRetention(context.storage(), context.clock(), config.rawRetention())::run);
        if (!config.rawRetention().isZero()) {
            // first after a whole interval: nothing is urgent about rows past the horizon, and a run three
            // minutes in raced an embedding API's own run (RawRetentionContract on a busy machine)
            context.every(RAW_RETENTION_INTERVAL, RAW_RETENTION_INTERVAL, Job.RAW_RETENTION);
        }
    }

    private static CountryLookup openCountries(ServerConfig config) {
        if (config.geoDatabase() == null) {
            LOG.log(System.Logger.Level.INFO, "no country database configured (--geo-db): countries will be empty");
            return CountryLookup.none();
        }
        try {
            return CountryLookup.open(config.geoDatabase());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        indexBuilder.shutdownNow();
        try {
            countries.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}
