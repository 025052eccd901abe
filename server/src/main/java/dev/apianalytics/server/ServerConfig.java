package dev.apianalytics.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    /** Below this many requests in a dashboard's period, it is computed from the rows, exactly. */
    public static final long DEFAULT_SUMMARY_MIN_REQUESTS = 100_000;
    public static final Duration DEFAULT_MONITOR_MIN_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MONITOR_TIMEOUT = Duration.ofSeconds(10);
    /** The longest ping timeout the collector or a monitor may set. */
    public static final Duration MAX_MONITOR_TIMEOUT = Duration.ofSeconds(30);
    /** The longest minimum interval: once a day. */
    public static final Duration MAX_MONITOR_MIN_INTERVAL = Duration.ofDays(1);

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
    private final Clock clock;

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
        this.clock = builder.clock;
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

    /** The clock for timestamps, rate limits and retention (tests inject one). */
    public Clock clock() {
        return clock;
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
        builder.clock = clock;
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
        private Clock clock = Clock.systemUTC();

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

        public Builder dataPageSize(int dataPageSize) {
            this.dataPageSize = (int) positive("data page size", dataPageSize);
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

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ServerConfig build() {
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

    /** One command-line flag and its environment variable. */
    record Option(String flag, String environment, String argument, String help, Setter setter) {}

    @FunctionalInterface
    interface Setter {
        void set(Builder builder, String value);
    }

    static final List<Option> OPTIONS = List.of(
            new Option("--port", "API_ANALYTICS_PORT", "N", "TCP port (default " + DEFAULT_PORT + "; 0 picks a free one)",
                    (b, v) -> b.port(integer("--port", v))),
            new Option("--bind", "API_ANALYTICS_BIND", "ADDRESS",
                    "address to listen on (default " + DEFAULT_BIND + ", every interface; 127.0.0.1 behind a local proxy)",
                    Builder::bind),
            new Option("--data-dir", "API_ANALYTICS_DATA_DIR", "DIR",
                    "directory of the embedded DuckDB database (default ./" + DEFAULT_DATA_DIR + ")",
                    (b, v) -> b.dataDir(Path.of(v))),
            new Option("--database-url", "API_ANALYTICS_DATABASE_URL", "URL",
                    "jdbc:postgresql://host:port/db?user=..&password=.. stores in PostgreSQL instead of DuckDB",
                    Builder::databaseUrl),
            new Option("--geo-db", "API_ANALYTICS_GEO_DB", "FILE",
                    "MaxMind-format country database (.mmdb); without it countries stay empty",
                    (b, v) -> b.geoDatabase(Path.of(v))),
            new Option("--max-body-bytes", "API_ANALYTICS_MAX_BODY_BYTES", "N",
                    "largest ingestion body on the wire (default " + DEFAULT_MAX_BODY_BYTES + ")",
                    (b, v) -> b.maxBodyBytes(longInteger("--max-body-bytes", v))),
            new Option("--max-decompressed-bytes", "API_ANALYTICS_MAX_DECOMPRESSED_BYTES", "N",
                    "largest ingestion body after gunzip (default " + DEFAULT_MAX_DECOMPRESSED_BYTES + ")",
                    (b, v) -> b.maxDecompressedBytes(longInteger("--max-decompressed-bytes", v))),
            new Option("--max-rows-per-post", "API_ANALYTICS_MAX_ROWS_PER_POST", "N",
                    "most rows in one post (default " + DEFAULT_MAX_ROWS_PER_POST + ")",
                    (b, v) -> b.maxRowsPerPost(integer("--max-rows-per-post", v))),
            new Option("--posts-per-minute", "API_ANALYTICS_POSTS_PER_MINUTE", "N",
                    "ingestion posts per key per minute before 429 (default " + DEFAULT_POSTS_PER_MINUTE + ")",
                    (b, v) -> b.postsPerMinute(integer("--posts-per-minute", v))),
            new Option("--retention-days", "API_ANALYTICS_RETENTION_DAYS", "N",
                    "delete keys and their data after N days without activity (default " + DEFAULT_RETENTION_DAYS
                            + "; 0 keeps them forever)",
                    (b, v) -> b.retention(Duration.ofDays(integer("--retention-days", v)))),
            new Option("--threads", "API_ANALYTICS_THREADS", "N",
                    "HTTP worker threads (default " + DEFAULT_THREADS + ")",
                    (b, v) -> b.threads(integer("--threads", v))),
            new Option("--db-pool-size", "API_ANALYTICS_DB_POOL_SIZE", "N",
                    "PostgreSQL connections (default " + DEFAULT_DB_POOL_SIZE + ")",
                    (b, v) -> b.dbPoolSize(integer("--db-pool-size", v))),
            new Option("--summary-min-requests", "API_ANALYTICS_SUMMARY_MIN_REQUESTS", "N",
                    "read dashboards of periods with at least N requests from hourly summaries (default "
                            + DEFAULT_SUMMARY_MIN_REQUESTS + "; 0 always)",
                    (b, v) -> b.summaryMinRequests(longInteger("--summary-min-requests", v))),
            new Option("--monitor-max-urls", "API_ANALYTICS_MONITOR_MAX_URLS", "N",
                    "URLs one key may monitor (default " + DEFAULT_MONITOR_MAX_URLS + "; 0 turns monitoring off)",
                    (b, v) -> b.monitorMaxUrls(integer("--monitor-max-urls", v))),
            new Option("--monitor-min-interval-seconds", "API_ANALYTICS_MONITOR_MIN_INTERVAL_SECONDS", "N",
                    "shortest interval a URL may be pinged at (default " + DEFAULT_MONITOR_MIN_INTERVAL.toSeconds()
                            + "; at most " + MAX_MONITOR_MIN_INTERVAL.toSeconds() + ")",
                    (b, v) -> b.monitorMinInterval(Duration.ofSeconds(integer("--monitor-min-interval-seconds", v)))),
            new Option("--monitor-timeout-seconds", "API_ANALYTICS_MONITOR_TIMEOUT_SECONDS", "N",
                    "ping timeout unless a monitor sets its own (default " + DEFAULT_MONITOR_TIMEOUT.toSeconds()
                            + "; 1-" + MAX_MONITOR_TIMEOUT.toSeconds() + ")",
                    (b, v) -> b.monitorTimeout(Duration.ofSeconds(integer("--monitor-timeout-seconds", v)))));

    /**
     * Reads flags ({@code --port 8421} or {@code --port=8421}) over environment variables.
     *
     * @throws IllegalArgumentException naming the flag or variable that is wrong
     */
    public static ServerConfig parse(List<String> args, Map<String, String> environment) {
        Builder builder = builder();
        for (Option option : OPTIONS) {
            String value = environment.get(option.environment());
            if (value != null && !value.isBlank()) {
                try {
                    option.setter().set(builder, value.trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(option.environment() + ": " + e.getMessage(), e);
                }
            }
        }
        Map<String, Option> byFlag = new LinkedHashMap<>();
        OPTIONS.forEach(option -> byFlag.put(option.flag(), option));
        List<String> remaining = new ArrayList<>(args);
        for (int i = 0; i < remaining.size(); i++) {
            String arg = remaining.get(i);
            String flag = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            Option option = byFlag.get(flag.toLowerCase(Locale.ROOT));
            if (option == null) {
                throw new IllegalArgumentException("unknown option " + flag + " (see --help)");
            }
            if (value == null) {
                if (i + 1 >= remaining.size()) {
                    throw new IllegalArgumentException(flag + " needs a value: " + flag + " " + option.argument());
                }
                value = remaining.get(++i);
            }
            try {
                option.setter().set(builder, value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    /** The {@code --help} text. */
    static String usage() {
        StringBuilder text = new StringBuilder("""
                Usage: java -jar api-analytics-server.jar [options]

                The API Analytics collector: issues keys, receives request logs from the middlewares,
                serves the data API and the dashboard. Options (each also read from the environment
                variable shown; a flag wins over the variable):

                """);
        for (Option option : OPTIONS) {
            String left = "  " + option.flag() + " " + option.argument();
            text.append(String.format(Locale.ROOT, "%-34s %s%n%-34s [%s]%n", left, option.help(), "", option.environment()));
        }
        text.append(String.format(Locale.ROOT, "%-34s %s%n", "  --help", "print this and exit"));
        return text.toString();
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: '" + value + "'");
        }
    }

    private static long longInteger(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: '" + value + "'");
        }
    }
}
