package dev.apianalytics.server;

import dev.apianalytics.server.http.ClientAddresses;
import dev.apianalytics.server.keys.KeyGeneration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the collector can be told: built in code ({@link #builder()}) when embedding, or
 * from command-line flags and {@code API_ANALYTICS_*} environment variables ({@link #parse})
 * when run as a jar. Flags win over the environment, which wins over the defaults.
 */
public final class ServerConfig {

    /** The port core's {@code Config.DEFAULT_SERVER_URL} points at. */
    public static final int DEFAULT_PORT = 8421;
    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final Path DEFAULT_DATA_DIR = Path.of("api-analytics-data");
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_ROWS_PER_POST = 10_000;
    public static final int DEFAULT_POSTS_PER_MINUTE = 1_200;
    public static final int DEFAULT_RETENTION_DAYS = 183;
    public static final int DEFAULT_THREADS = 16;
    public static final int DEFAULT_DB_POOL_SIZE = 10;
    /** Upstream's page size for {@code GET /api/data}. */
    public static final int DEFAULT_DATA_PAGE_SIZE = 50_000;
    /** URLs one key may monitor; 0 turns monitoring off. */
    public static final int DEFAULT_MONITOR_MAX_URLS = 10;
    /** Webhook destinations one key may have; 0 turns alerts off. */
    public static final int DEFAULT_ALERT_MAX_DESTINATIONS = 5;
    public static final int MAX_ALERT_DESTINATIONS = 50;
    /** Below this many requests in a dashboard's period, it is computed from the rows, exactly. */
    public static final long DEFAULT_SUMMARY_MIN_REQUESTS = 100_000;
    public static final Duration DEFAULT_MONITOR_MIN_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MONITOR_TIMEOUT = Duration.ofSeconds(10);
    /** The longest ping timeout the collector or a monitor may set. */
    public static final Duration MAX_MONITOR_TIMEOUT = Duration.ofSeconds(30);
    /** The longest minimum interval: once a day. */
    public static final Duration MAX_MONITOR_MIN_INTERVAL = Duration.ofDays(1);
    /** Keys one client address may mint per hour in {@code open} mode. */
    public static final int DEFAULT_KEYS_PER_HOUR = 30;
    /** An admin token shorter than this is too easy to guess. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    // HTTP layer limits
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1_024;
    public static final int DEFAULT_MAX_CONNECTIONS = 4_096;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    // raw-row retention
    /** The longest raw-row retention a flag may set: a century, so the horizon stays a valid instant. */
    public static final int MAX_RAW_RETENTION_DAYS = 36_500;
    // ingestion hardening
    /** How many times its wire size a gzip post may inflate to past the first 4 MiB: real batches stay under 90. */
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 100;

    private final int port;
    private final String bind;
    private final Path dataDir;
    private final String databaseUrl;
    private final Path geoDatabase;
    private final long maxBodyBytes;
    private final long maxDecompressedBytes;
    private final int maxRowsPerPost;
    private final int postsPerMinute;
    private final Duration retention;
    private final int threads;
    private final int dbPoolSize;
    private final int dataPageSize;
    private final int monitorMaxUrls;
    private final long summaryMinRequests;
    private final Duration monitorMinInterval;
    private final Duration monitorTimeout;
    private final KeyGeneration keyGeneration;
    private final String adminToken;
    private final int keysPerHour;
    private final List<String> trustedProxies;
    private final boolean metrics;
    private final int metricsPort;
    private final Clock clock;
    private final boolean monitorAllowPrivate;
    // HTTP layer limits
    private final Duration headerTimeout;
    private final Duration idleTimeout;
    private final long minBodyBytesPerSecond;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final int maxHeaderBytes;
    private final Duration shutdownTimeout;
    private final int alertMaxDestinations;
    // raw-row retention
    private final Duration rawRetention;
    // ingestion hardening
    private final int maxCompressionRatio;

    private ServerConfig(Builder builder) {
        this.port = builder.port;
        this.bind = builder.bind;
        this.dataDir = builder.dataDir;
        this.databaseUrl = builder.databaseUrl;
        this.geoDatabase = builder.geoDatabase;
        this.maxBodyBytes = builder.maxBodyBytes;
        this.maxDecompressedBytes = builder.maxDecompressedBytes;
        this.maxRowsPerPost = builder.maxRowsPerPost;
        this.postsPerMinute = builder.postsPerMinute;
        this.retention = builder.retention;
        this.threads = builder.threads;
        this.dbPoolSize = builder.dbPoolSize;
        this.dataPageSize = builder.dataPageSize;
        this.monitorMaxUrls = builder.monitorMaxUrls;
        this.summaryMinRequests = builder.summaryMinRequests;
        this.monitorMinInterval = builder.monitorMinInterval;
        this.monitorTimeout = builder.monitorTimeout;
        this.keyGeneration = builder.keyGeneration;
        this.adminToken = builder.adminToken;
        this.keysPerHour = builder.keysPerHour;
        this.trustedProxies = builder.trustedProxies;
        this.metrics = builder.metrics;
        this.metricsPort = builder.metricsPort;
        this.clock = builder.clock;
        this.monitorAllowPrivate = builder.monitorAllowPrivate;
        this.headerTimeout = builder.headerTimeout;
        this.idleTimeout = builder.idleTimeout;
        this.minBodyBytesPerSecond = builder.minBodyBytesPerSecond;
        this.maxConnections = builder.maxConnections;
        this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
        this.maxHeaderBytes = builder.maxHeaderBytes;
        this.shutdownTimeout = builder.shutdownTimeout;
        this.alertMaxDestinations = builder.alertMaxDestinations;
        this.rawRetention = builder.rawRetention;
        this.maxCompressionRatio = builder.maxCompressionRatio;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TCP port; 0 picks a free one (see {@link CollectorServer#port()}). */
    public int port() {
        return port;
    }

    /** The address to listen on: {@code 0.0.0.0} (every interface) by default. */
    public String bind() {
        return bind;
    }

    /** Where the embedded DuckDB database lives (unused with {@link #databaseUrl()}). */
    public Path dataDir() {
        return dataDir;
    }

    /** A {@code jdbc:postgresql://} URL, or {@code null} for the embedded DuckDB. */
    public String databaseUrl() {
        return databaseUrl;
    }

    /** A MaxMind-format country database, or {@code null} for no countries. */
    public Path geoDatabase() {
        return geoDatabase;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public long maxDecompressedBytes() {
        return maxDecompressedBytes;
    }

    public int maxRowsPerPost() {
        return maxRowsPerPost;
    }

    /** Ingestion posts allowed per key per minute (a burst of that many, refilled evenly). */
    public int postsPerMinute() {
        return postsPerMinute;
    }

    /** Keys with no activity for this long are deleted with their data; {@link Duration#ZERO} keeps them forever. */
    public Duration retention() {
        return retention;
    }

    /** HTTP worker threads. */
    public int threads() {
        return threads;
    }

    /** PostgreSQL connections in the pool. */
    public int dbPoolSize() {
        return dbPoolSize;
    }

    /** Rows per page of {@code GET /api/data} (upstream's 50,000; smaller only in tests). */
    public int dataPageSize() {
        return dataPageSize;
    }

    /**
     * From how many requests in its period the dashboard is read from hourly summaries (unique
     * users, percentiles and top users then estimated); 0 whenever summaries exist.
     */
    public long summaryMinRequests() {
        return summaryMinRequests;
    }

    /** How many URLs one key may monitor; 0 turns monitoring off. */
    public int monitorMaxUrls() {
        return monitorMaxUrls;
    }

    /** The shortest interval a monitored URL may be pinged at. */
    public Duration monitorMinInterval() {
        return monitorMinInterval;
    }

    /** How long a ping waits unless its monitor sets its own timeout. */
    public Duration monitorTimeout() {
        return monitorTimeout;
    }

    /** Who may mint keys: anyone (limited per address), holders of the admin token, or nobody. */
    public KeyGeneration keyGeneration() {
        return keyGeneration;
    }

    /** The secret {@code token} mode asks for, or {@code null}. */
    public String adminToken() {
        return adminToken;
    }

    /** Keys one client address may mint per hour in {@code open} mode (a burst of that many, refilled evenly). */
    public int keysPerHour() {
        return keysPerHour;
    }

    /** Proxies (addresses or CIDRs) whose {@code X-Forwarded-For} names the client; empty trusts none. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /** Whether {@code GET /metrics} is served (on by default). */
    public boolean metrics() {
        return metrics;
    }

    /** The port that serves {@code /metrics} alone, or 0 to serve it on the main port. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The clock for timestamps, rate limits and retention (tests inject one). */
    public Clock clock() {
        return clock;
    }

    /** Whether monitors may target loopback, private and link-local addresses (a LAN); off by default. */
    public boolean monitorAllowPrivate() {
        return monitorAllowPrivate;
    }

    /**
     * How long a connection may take to send a complete request head, counted from when it
     * opened or its previous answer ended; a connection past it is closed.
     */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** How long a connection may stay silent while the collector waits to read from it (a body, say). */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The slowest a request body may arrive, on average, once the first {@link #headerTimeout()} has passed. */
    public long minBodyBytesPerSecond() {
        return minBodyBytesPerSecond;
    }

    /** Open connections in total; past it new ones wait in the listen backlog. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Open connections from one client address; past it new ones are closed at once. */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** The largest request head (request line, URI included, and headers) in bytes. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** How long stopping waits for the requests in flight. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Webhook destinations one key may register (alerts' targets obey {@link #monitorAllowPrivate()} too). */
    public int alertMaxDestinations() {
        return alertMaxDestinations;
    }

    /** How long raw request rows are kept; zero (the default) keeps them as long as their key. */
    public Duration rawRetention() {
        return rawRetention;
    }

    /**
     * Where the raw rows kept at {@code now} start: the hour {@link #rawRetention()} ago began, or
     * {@code null} when rows are kept forever. Rows before it are deleted (or about to be), refused
     * at ingestion, and answered only from the hourly summaries.
     */
    public Instant rawRowsFrom(Instant now) {
        return rawRetention.isZero() ? null : now.minus(rawRetention).truncatedTo(ChronoUnit.HOURS);
    }

    /**
     * How many times its size on the wire a gzip ingestion body may inflate to once past
     * {@code RequestBody.RATIO_FREE_BYTES}: a gzip bomb is refused after a fraction of its work.
     */
    public int maxCompressionRatio() {
        return maxCompressionRatio;
    }

    /** A copy to change. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.port = port;
        builder.bind = bind;
        builder.dataDir = dataDir;
        builder.databaseUrl = databaseUrl;
        builder.geoDatabase = geoDatabase;
        builder.maxBodyBytes = maxBodyBytes;
        builder.maxDecompressedBytes = maxDecompressedBytes;
        builder.maxRowsPerPost = maxRowsPerPost;
        builder.postsPerMinute = postsPerMinute;
        builder.retention = retention;
        builder.threads = threads;
        builder.dbPoolSize = dbPoolSize;
        builder.dataPageSize = dataPageSize;
        builder.monitorMaxUrls = monitorMaxUrls;
        builder.summaryMinRequests = summaryMinRequests;
        builder.monitorMinInterval = monitorMinInterval;
        builder.monitorTimeout = monitorTimeout;
        builder.keyGeneration = keyGeneration;
        builder.adminToken = adminToken;
        builder.keysPerHour = keysPerHour;
        builder.trustedProxies = trustedProxies;
        builder.metrics = metrics;
        builder.metricsPort = metricsPort;
        builder.clock = clock;
        builder.monitorAllowPrivate = monitorAllowPrivate;
        builder.headerTimeout = headerTimeout;
        builder.idleTimeout = idleTimeout;
        builder.minBodyBytesPerSecond = minBodyBytesPerSecond;
        builder.maxConnections = maxConnections;
        builder.maxConnectionsPerAddress = maxConnectionsPerAddress;
        builder.maxHeaderBytes = maxHeaderBytes;
        builder.shutdownTimeout = shutdownTimeout;
        builder.alertMaxDestinations = alertMaxDestinations;
        builder.rawRetention = rawRetention;
        builder.maxCompressionRatio = maxCompressionRatio;
        return builder;
    }

    /** Builds a {@link ServerConfig}; every setter validates at once. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String bind = DEFAULT_BIND;
        private Path dataDir = DEFAULT_DATA_DIR;
        private String databaseUrl;
        private Path geoDatabase;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private long maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;
        private int maxRowsPerPost = DEFAULT_MAX_ROWS_PER_POST;
        private int postsPerMinute = DEFAULT_POSTS_PER_MINUTE;
        private Duration retention = Duration.ofDays(DEFAULT_RETENTION_DAYS);
        private int threads = DEFAULT_THREADS;
        private int dbPoolSize = DEFAULT_DB_POOL_SIZE;
        private int dataPageSize = DEFAULT_DATA_PAGE_SIZE;
        private int monitorMaxUrls = DEFAULT_MONITOR_MAX_URLS;
        private long summaryMinRequests = DEFAULT_SUMMARY_MIN_REQUESTS;
        private Duration monitorMinInterval = DEFAULT_MONITOR_MIN_INTERVAL;
        private Duration monitorTimeout = DEFAULT_MONITOR_TIMEOUT;
        private KeyGeneration keyGeneration = KeyGeneration.OPEN;
        private String adminToken;
        private int keysPerHour = DEFAULT_KEYS_PER_HOUR;
        private List<String> trustedProxies = List.of();
        private boolean metrics = true;
        private int metricsPort;
        private Clock clock = Clock.systemUTC();
        private boolean monitorAllowPrivate;
        // HTTP layer limits
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private long minBodyBytesPerSecond = DEFAULT_MIN_BODY_BYTES_PER_SECOND;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int alertMaxDestinations = DEFAULT_ALERT_MAX_DESTINATIONS;
        // raw-row retention
        private Duration rawRetention = Duration.ZERO;
        // ingestion hardening
        private int maxCompressionRatio = DEFAULT_MAX_COMPRESSION_RATIO;

        private Builder() {}

        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            this.port = port;
            return this;
        }

        public Builder bind(String bind) {
            this.bind = requireText("bind", bind);
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder databaseUrl(String databaseUrl) {
            if (databaseUrl != null && !databaseUrl.isBlank() && !databaseUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("database URL must start with jdbc:postgresql: (DuckDB is the default "
                        + "and needs no URL)");
            }
            this.databaseUrl = databaseUrl == null || databaseUrl.isBlank() ? null : databaseUrl;
            return this;
        }

        public Builder geoDatabase(Path geoDatabase) {
            this.geoDatabase = geoDatabase;
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = positive("max body bytes", maxBodyBytes);
            return this;
        }

        public Builder maxDecompressedBytes(long maxDecompressedBytes) {
            this.maxDecompressedBytes = positive("max decompressed bytes", maxDecompressedBytes);
            return this;
        }

        public Builder maxRowsPerPost(int maxRowsPerPost) {
            this.maxRowsPerPost = (int) positive("max rows per post", maxRowsPerPost);
            return this;
        }

        public Builder postsPerMinute(int postsPerMinute) {
            this.postsPerMinute = (int) positive("posts per minute", postsPerMinute);
            return this;
        }

        public Builder retention(Duration retention) {
            if (retention == null || retention.isNegative()) {
                throw new IllegalArgumentException("retention must be zero (keep forever) or positive");
            }
            this.retention = retention;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = (int) positive("threads", threads);
            return this;
        }

        public Builder dbPoolSize(int dbPoolSize) {
            this.dbPoolSize = (int) positive("database pool size", dbPoolSize);
            return this;
        }

        /** Rows per data API page: upstream's 50,000 at most (a page is held in memory on PostgreSQL). */
        public Builder dataPageSize(int dataPageSize) {
            if (positive("data page size", dataPageSize) > DEFAULT_DATA_PAGE_SIZE) {
                throw new IllegalArgumentException("data page size is at most " + DEFAULT_DATA_PAGE_SIZE + ", was " + dataPageSize);
            }
            this.dataPageSize = dataPageSize;
            return this;
        }

        /** From how many requests in its period a dashboard is read from summaries; 0 or more. */
        public Builder summaryMinRequests(long summaryMinRequests) {
            if (summaryMinRequests < 0) {
                throw new IllegalArgumentException("summary min requests must be 0 or more, was " + summaryMinRequests);
            }
            this.summaryMinRequests = summaryMinRequests;
            return this;
        }

        /** URLs one key may monitor, 0 (monitoring off) or more. */
        public Builder monitorMaxUrls(int monitorMaxUrls) {
            if (monitorMaxUrls < 0) {
                throw new IllegalArgumentException("monitor max URLs must be 0 (off) or more, was " + monitorMaxUrls);
            }
            this.monitorMaxUrls = monitorMaxUrls;
            return this;
        }

        /** The shortest ping interval, from 1 second to one day. */
        public Builder monitorMinInterval(Duration monitorMinInterval) {
            this.monitorMinInterval = between("monitor minimum interval", monitorMinInterval, MAX_MONITOR_MIN_INTERVAL);
            return this;
        }

        /** The default ping timeout, from 1 to 30 seconds. */
        public Builder monitorTimeout(Duration monitorTimeout) {
            this.monitorTimeout = between("monitor timeout", monitorTimeout, MAX_MONITOR_TIMEOUT);
            return this;
        }

        public Builder keyGeneration(KeyGeneration keyGeneration) {
            this.keyGeneration = Objects.requireNonNull(keyGeneration, "keyGeneration");
            return this;
        }

        /** The admin token, at least {@value #MIN_ADMIN_TOKEN_LENGTH} characters; {@code null} for none. */
        public Builder adminToken(String adminToken) {
            if (adminToken != null && adminToken.strip().length() < MIN_ADMIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("the admin token must be at least " + MIN_ADMIN_TOKEN_LENGTH
                        + " characters (a random one: openssl rand -hex 32)");
            }
            this.adminToken = adminToken == null ? null : adminToken.strip();
            return this;
        }

        public Builder keysPerHour(int keysPerHour) {
            this.keysPerHour = (int) positive("keys per hour", keysPerHour);
            return this;
        }

        /** Addresses or CIDRs of reverse proxies, IPv4 or IPv6; checked now. */
        public Builder trustedProxies(List<String> trustedProxies) {
            List<String> entries = trustedProxies.stream().map(String::trim).filter(entry -> !entry.isEmpty()).toList();
            ClientAddresses.trusting(entries);
            this.trustedProxies = entries;
            return this;
        }

        public Builder metrics(boolean metrics) {
            this.metrics = metrics;
            return this;
        }

        /** A port of its own for {@code /metrics} (1-65535), or 0 for the main port. */
        public Builder metricsPort(int metricsPort) {
            if (metricsPort < 0 || metricsPort > 65_535) {
                throw new IllegalArgumentException("metrics port must be 1-65535, or 0 for the main port; was " + metricsPort);
            }
            this.metricsPort = metricsPort;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Lets monitors target loopback, private and link-local addresses, for monitoring a LAN. */
        public Builder monitorAllowPrivate(boolean monitorAllowPrivate) {
            this.monitorAllowPrivate = monitorAllowPrivate;
            return this;
        }

        /** The request head deadline, 1-300 seconds. */
        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = between("header timeout", headerTimeout, Duration.ofMinutes(5));
            return this;
        }

        /** The read idle timeout, 1-3600 seconds. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = between("idle timeout", idleTimeout, Duration.ofHours(1));
            return this;
        }

        public Builder minBodyBytesPerSecond(long minBodyBytesPerSecond) {
            this.minBodyBytesPerSecond = positive("min body bytes per second", minBodyBytesPerSecond);
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = (int) positive("max connections", maxConnections);
            return this;
        }

        public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = (int) positive("max connections per address", maxConnectionsPerAddress);
            return this;
        }

        /** The largest request head, 1,024 bytes to 1 MiB. */
        public Builder maxHeaderBytes(int maxHeaderBytes) {
            if (maxHeaderBytes < 1_024 || maxHeaderBytes > 1024 * 1024) {
                throw new IllegalArgumentException("max header bytes must be 1024-1048576, was " + maxHeaderBytes);
            }
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        /** How long stopping waits for requests in flight, 1-300 seconds. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = between("shutdown timeout", shutdownTimeout, Duration.ofMinutes(5));
            return this;
        }

        /** Webhook destinations per key, 0 (alerts off) to {@link #MAX_ALERT_DESTINATIONS}. */
        public Builder alertMaxDestinations(int alertMaxDestinations) {
            if (alertMaxDestinations < 0 || alertMaxDestinations > MAX_ALERT_DESTINATIONS) {
                throw new IllegalArgumentException("alert max destinations must be 0-" + MAX_ALERT_DESTINATIONS + ", was "
                        + alertMaxDestinations);
            }
            this.alertMaxDestinations = alertMaxDestinations;
            return this;
        }

        /** Raw-row retention: zero keeps rows as long as their key, else from one day to {@value #MAX_RAW_RETENTION_DAYS} days. */
        public Builder rawRetention(Duration rawRetention) {
            if (rawRetention == null || !rawRetention.isZero() && (rawRetention.compareTo(Duration.ofDays(1)) < 0
                    || rawRetention.compareTo(Duration.ofDays(MAX_RAW_RETENTION_DAYS)) > 0)) {
                throw new IllegalArgumentException("raw retention must be 0 (keep) or 1-" + MAX_RAW_RETENTION_DAYS
                        + " days, was " + rawRetention);
            }
            this.rawRetention = rawRetention;
            return this;
        }

        /** Inflation allowed per wire byte past the first 4 MiB, 10 to 1,100 (past 1,032, gzip's own limit, none). */
        public Builder maxCompressionRatio(int maxCompressionRatio) {
            if (maxCompressionRatio < 10 || maxCompressionRatio > 1_100) {
                throw new IllegalArgumentException("max compression ratio must be 10-1100, was " + maxCompressionRatio);
            }
            this.maxCompressionRatio = maxCompressionRatio;
            return this;
        }

        public ServerConfig build() {
            if (keyGeneration == KeyGeneration.TOKEN && adminToken == null) {
                throw new IllegalArgumentException("key generation 'token' needs an admin token (--admin-token or "
                        + "API_ANALYTICS_ADMIN_TOKEN)");
            }
            if (metricsPort != 0 && metricsPort == port) {
                throw new IllegalArgumentException("the metrics port must differ from the main port " + port
                        + " (leave it unset to serve /metrics on the main port)");
            }
            return new ServerConfig(this);
        }

        private static long positive(String name, long value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        private static Duration between(String name, Duration value, Duration max) {
            if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be 1-" + max.toSeconds() + " seconds, was "
                        + (value == null ? null : value.toSeconds()));
            }
            return value;
        }

        private static String requireText(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value.trim();
        }
    }

    /**
     * Reads flags ({@code --port 8421} or {@code --port=8421}) over environment variables; see
     * {@link ServerFlags}.
     *
     * @throws IllegalArgumentException naming the flag or variable that is wrong
     */
    public static ServerConfig parse(List<String> args, Map<String, String> environment) {
        return ServerFlags.parse(args, environment);
    }
}
