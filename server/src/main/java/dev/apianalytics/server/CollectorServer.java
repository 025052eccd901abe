package dev.apianalytics.server;

import dev.apianalytics.server.enrich.UserAgents;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.WebServer;
import dev.apianalytics.server.keys.KeyAuth;
import dev.apianalytics.server.storage.DuckDbStorage;
import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.storage.PostgresStorage;
import dev.apianalytics.server.storage.Schema;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.SummaryJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running collector. {@code java -jar} starts one through {@link Main}; tests and the demo
 * embed one:
 *
 * <pre>{@code
 * try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).dataDir(dir).build())) {
 *     String url = server.url(); // http://localhost:<port>
 * }
 * }</pre>
 */
public final class CollectorServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CollectorServer.class.getName());

    private final ServerConfig config;
    private final Storage storage;
    private final WebServer http;
    private final ScheduledExecutorService scheduler;
    private final List<ServerExtension> extensions;
    private final ServerContext context;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private CollectorServer(ServerConfig config, Storage storage, WebServer http, ScheduledExecutorService scheduler,
            List<ServerExtension> extensions, ServerContext context) {
        this.config = config;
        this.storage = storage;
        this.http = http;
        this.scheduler = scheduler;
        this.extensions = extensions;
        this.context = context;
    }

    /**
     * Opens storage, migrates the schema, installs every feature and starts listening.
     *
     * @throws IOException when the port cannot be bound or a file cannot be read
     * @throws SQLException when the database cannot be opened or migrated
     */
    public static CollectorServer start(ServerConfig config) throws IOException, SQLException {
        UserAgents.warmUp();
        Storage storage = config.databaseUrl() == null
                ? DuckDbStorage.open(config.dataDir(), SummaryJob.LATE_AFTER)
                : PostgresStorage.open(config.databaseUrl(), config.dbPoolSize(), SummaryJob.LATE_AFTER);
        List<ServerExtension> extensions = Routes.extensions();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemonThreads("api-analytics-jobs"));
        WebServer http = null;
        try {
            List<Migration> migrations = new ArrayList<>(Schema.migrations());
            for (ServerExtension extension : extensions) {
                migrations.addAll(extension.migrations());
                extension.keyOwnedTables().forEach(storage::registerKeyOwnedTable);
            }
            storage.migrate(migrations);
            try {
                storage.prepareRequestPartitions(config.clock().instant());
            } catch (SQLException e) {
                // rows still land (in the default partition); the hourly job tries again
                LOG.log(System.Logger.Level.WARNING, "cannot make the request partitions yet: " + e.getMessage());
            }

            KeyAuth keys = new KeyAuth(storage, config.clock());
            ServerContext context = new ServerContext(config, storage, keys, scheduler);
            Router router = new Router();
            for (ServerExtension extension : extensions) {
                extension.install(router, context);
            }
            http = WebServer.start(config.bind(), config.port(), router, new WebServer.Limits(config.threads(),
                    config.headerTimeout(), config.idleTimeout(), config.minBodyBytesPerSecond(), config.maxConnections(),
                    config.maxConnectionsPerAddress(), config.maxHeaderBytes(), config.shutdownTimeout()));
            return new CollectorServer(config, storage, http, scheduler, extensions, context);
        } catch (IOException | SQLException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            scheduler.shutdownNow();
            extensions.forEach(CollectorServer::closeQuietly);
            storage.close();
            if (e instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            throw e;
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return http.port();
    }

    /** The base URL clients on this machine use, such as {@code http://localhost:8421}. */
    public String url() {
        String bind = config.bind();
        String host = bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind.contains(":") ? "[" + bind + "]" : bind;
        return "http://" + host + ":" + port();
    }

    public ServerConfig config() {
        return config;
    }

    public Storage storage() {
        return storage;
    }

    public ServerContext context() {
        return context;
    }

    /** Runs the retention job now (it also runs hourly); returns how many keys it deleted. */
    public int runRetention() throws SQLException {
        return context.run(ServerContext.Job.RETENTION);
    }

    /** Runs the raw-row retention now (it also runs every ten minutes); returns how many rows it deleted. */
    public long runRawRetention() throws SQLException {
        return context.run(ServerContext.Job.RAW_RETENTION);
    }

    /** Summarises the hours due now (it also runs every minute); returns until when all are. */
    public Instant summarise() throws SQLException {
        return context.run(ServerContext.Job.SUMMARIES);
    }

    /**
     * Stops accepting requests, lets those in flight finish (up to {@link ServerConfig#shutdownTimeout()}),
     * then stops the jobs and closes storage; logs when it starts and when it is done.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "stopping, " + http.inFlight() + " requests in flight");
        http.close();
        scheduler.shutdownNow();
        extensions.forEach(CollectorServer::closeQuietly);
        storage.close();
        LOG.log(System.Logger.Level.INFO, "stopped");
    }

    private static void closeQuietly(ServerExtension extension) {
        try {
            extension.close();
        } catch (RuntimeException ignored) {
            // closing the rest matters more
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
