package dev.apianalytics.server;

import dev.apianalytics.server.keys.KeyAuth;
import dev.apianalytics.server.metrics.CollectorMetrics;
import dev.apianalytics.server.storage.Storage;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link ServerExtension} gets to work with: configuration, storage, key authentication,
 * the clock, a scheduler for periodic jobs and the register of the jobs the embedding API runs
 * on demand ({@link Job}). All of it lives as long as the server.
 */
public final class ServerContext {

    private static final System.Logger LOG = System.getLogger(ServerContext.class.getName());

    private final ServerConfig config;
    private final Storage storage;
    private final KeyAuth keys;
    private final ScheduledExecutorService scheduler;
    private final CollectorMetrics metrics = new CollectorMetrics();
    private final Map<Job<?>, Work<?>> jobs = new ConcurrentHashMap<>();

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
        schedule(period, initialDelay, name, () -> {
            job.run();
            return null;
        });
    }

    /**
     * Makes {@code work} the job {@code job}, which the embedding API runs on demand
     * ({@link CollectorServer#summarise()} and the like); schedule it with
     * {@link #every(Duration, Duration, Job)}. Call it from {@link ServerExtension#install}.
     *
     * @throws IllegalStateException when another feature registered that job
     */
    public <T> void register(Job<T> job, Work<T> work) {
        if (jobs.putIfAbsent(job, work) != null) {
            throw new IllegalStateException("the job " + job + " is registered twice");
        }
    }

    /** Runs the registered {@code job} every {@code period}, first after {@code initialDelay}, as the other {@code every}. */
    public void every(Duration period, Duration initialDelay, Job<?> job) {
        schedule(period, initialDelay, job.name, work(job));
    }

    /** Runs the registered {@code job} now, on the caller's thread. */
    <T> T run(Job<T> job) throws SQLException {
        return work(job).run();
    }

    @SuppressWarnings("unchecked") // register() pairs every job with work of its own type
    private <T> Work<T> work(Job<T> job) {
        Work<T> work = (Work<T>) jobs.get(job);
        if (work == null) {
            throw new IllegalStateException("the job " + job + " is not installed");
        }
        return work;
    }

    private void schedule(Duration period, Duration initialDelay, String name, Work<?> work) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.WARNING, "scheduled job " + name + " failed; it runs again in " + period, e);
            }
        }, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A job the embedding API can run on demand as well as on its schedule, typed by what a run
     * returns. The one list of them: the feature that does the work {@link #register}s it.
     */
    public static final class Job<T> {

        /** Summarises the hours due; returns until when every hour is summarised. */
        public static final Job<Instant> SUMMARIES = new Job<>("summaries");
        /** Deletes inactive keys past the retention; returns how many. */
        public static final Job<Integer> RETENTION = new Job<>("retention");
        /** Deletes raw rows past the raw-row retention; returns how many. */
        public static final Job<Long> RAW_RETENTION = new Job<>("raw row retention");

        private final String name;

        private Job(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A job's work: one run, which may fail with the database. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }
}
