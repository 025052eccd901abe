package dev.apianalytics.server;

import dev.apianalytics.server.keys.KeyAuth;
import dev.apianalytics.server.metrics.CollectorMetrics;
import dev.apianalytics.server.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link ServerExtension} gets to work with: configuration, storage, key authentication,
 * the clock and a scheduler for periodic jobs. All of it lives as long as the server.
 */
public final class ServerContext {

    private static final System.Logger LOG = System.getLogger(ServerContext.class.getName());

    private final ServerConfig config;
    private final Storage storage;
    private final KeyAuth keys;
    private final ScheduledExecutorService scheduler;
    private final CollectorMetrics metrics = new CollectorMetrics();

    ServerContext(ServerConfig config, Storage storage, KeyAuth keys, ScheduledExecutorService scheduler) {
        this.config = config;
        this.storage = storage;
        this.keys = keys;
        this.scheduler = scheduler;
    }

    public ServerConfig config() {
        return config;
    }

    public Storage storage() {
        return storage;
    }

    /** Authenticates {@code X-AUTH-TOKEN}: {@code long keyId = context.keys().authenticate(exchange);} */
    public KeyAuth keys() {
        return keys;
    }

    /** The collector's counters (answers, rows, pings); served on {@code /metrics} unless turned off. */
    public CollectorMetrics metrics() {
        return metrics;
    }

    /** The server's clock; use it instead of {@code Instant.now()} so tests can move time. */
    public Clock clock() {
        return config.clock();
    }

    /** The shared scheduler (a few daemon threads); jobs stop when the server closes. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Runs {@code job} every {@code period}, first after {@code initialDelay}; a job that throws
     * is logged and runs again next time (a bare {@code scheduleAtFixedRate} would stop for good).
     */
    public void every(Duration period, Duration initialDelay, String name, Runnable job) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.WARNING, "scheduled job " + name + " failed; it runs again in " + period, e);
            }
        }, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
