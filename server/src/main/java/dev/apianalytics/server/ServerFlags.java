package dev.apianalytics.server;

import static dev.apianalytics.server.ServerConfig.DEFAULT_BIND;
import static dev.apianalytics.server.ServerConfig.DEFAULT_DATA_DIR;
import static dev.apianalytics.server.ServerConfig.DEFAULT_DB_POOL_SIZE;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MAX_BODY_BYTES;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MAX_DECOMPRESSED_BYTES;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MAX_ROWS_PER_POST;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MONITOR_MAX_URLS;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MONITOR_MIN_INTERVAL;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MONITOR_TIMEOUT;
import static dev.apianalytics.server.ServerConfig.DEFAULT_PORT;
import static dev.apianalytics.server.ServerConfig.DEFAULT_POSTS_PER_MINUTE;
import static dev.apianalytics.server.ServerConfig.DEFAULT_RETENTION_DAYS;
import static dev.apianalytics.server.ServerConfig.DEFAULT_SUMMARY_MIN_REQUESTS;
import static dev.apianalytics.server.ServerConfig.DEFAULT_THREADS;
import static dev.apianalytics.server.ServerConfig.MAX_MONITOR_MIN_INTERVAL;
import static dev.apianalytics.server.ServerConfig.MAX_MONITOR_TIMEOUT;
import static dev.apianalytics.server.ServerConfig.MAX_RAW_RETENTION_DAYS;
import static dev.apianalytics.server.ServerConfig.DEFAULT_KEYS_PER_HOUR;
import static dev.apianalytics.server.ServerConfig.MIN_ADMIN_TOKEN_LENGTH;
import static dev.apianalytics.server.ServerConfig.DEFAULT_HEADER_TIMEOUT;
import static dev.apianalytics.server.ServerConfig.DEFAULT_IDLE_TIMEOUT;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MAX_CONNECTIONS;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MAX_HEADER_BYTES;
import static dev.apianalytics.server.ServerConfig.DEFAULT_MIN_BODY_BYTES_PER_SECOND;
import static dev.apianalytics.server.ServerConfig.DEFAULT_SHUTDOWN_TIMEOUT;

import dev.apianalytics.server.ServerConfig.Builder;
import dev.apianalytics.server.keys.KeyGeneration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;
import java.util.stream.Collectors;

/**
 * The collector's command-line flags and their {@code API_ANALYTICS_*} environment variables:
 * the table, parsing them into a {@link ServerConfig}, and the {@code --help} text.
 */
final class ServerFlags {

    /** One command-line flag, its environment variable, and how its value sets the builder. */
    record Option(String flag, String environment, String argument, String help, BiConsumer<Builder, String> setter) {}

    static final List<Option> OPTIONS = List.of(
            intOption("--port", "API_ANALYTICS_PORT",
                    "TCP port (default " + DEFAULT_PORT + "; 0 picks a free one)",
                    Builder::port),
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
            longOption("--max-body-bytes", "API_ANALYTICS_MAX_BODY_BYTES",
                    "largest ingestion body on the wire (default " + DEFAULT_MAX_BODY_BYTES + ")",
                    Builder::maxBodyBytes),
            longOption("--max-decompressed-bytes", "API_ANALYTICS_MAX_DECOMPRESSED_BYTES",
                    "largest ingestion body after gunzip (default " + DEFAULT_MAX_DECOMPRESSED_BYTES + ")",
                    Builder::maxDecompressedBytes),
            intOption("--max-rows-per-post", "API_ANALYTICS_MAX_ROWS_PER_POST",
                    "most rows in one post (default " + DEFAULT_MAX_ROWS_PER_POST + ")",
                    Builder::maxRowsPerPost),
            intOption("--posts-per-minute", "API_ANALYTICS_POSTS_PER_MINUTE",
                    "ingestion posts per key per minute before 429 (default " + DEFAULT_POSTS_PER_MINUTE + ")",
                    Builder::postsPerMinute),
            intOption("--retention-days", "API_ANALYTICS_RETENTION_DAYS",
                    "delete keys and their data after N days without activity (default " + DEFAULT_RETENTION_DAYS
                            + "; 0 keeps them forever)",
                    (b, days) -> b.retention(Duration.ofDays(days))),
            intOption("--threads", "API_ANALYTICS_THREADS", "HTTP worker threads (default " + DEFAULT_THREADS + ")",
                    Builder::threads),
            intOption("--db-pool-size", "API_ANALYTICS_DB_POOL_SIZE",
                    "PostgreSQL connections (default " + DEFAULT_DB_POOL_SIZE + ")",
                    Builder::dbPoolSize),
            longOption("--summary-min-requests", "API_ANALYTICS_SUMMARY_MIN_REQUESTS",
                    "read dashboards of periods with at least N requests from hourly summaries (default "
                            + DEFAULT_SUMMARY_MIN_REQUESTS + "; 0 always)",
                    Builder::summaryMinRequests),
            intOption("--monitor-max-urls", "API_ANALYTICS_MONITOR_MAX_URLS",
                    "URLs one key may monitor (default " + DEFAULT_MONITOR_MAX_URLS + "; 0 turns monitoring off)",
                    Builder::monitorMaxUrls),
            intOption("--monitor-min-interval-seconds", "API_ANALYTICS_MONITOR_MIN_INTERVAL_SECONDS",
                    "shortest interval a URL may be pinged at (default " + DEFAULT_MONITOR_MIN_INTERVAL.toSeconds()
                            + "; at most " + MAX_MONITOR_MIN_INTERVAL.toSeconds() + ")",
                    (b, seconds) -> b.monitorMinInterval(Duration.ofSeconds(seconds))),
            intOption("--monitor-timeout-seconds", "API_ANALYTICS_MONITOR_TIMEOUT_SECONDS",
                    "ping timeout unless a monitor sets its own (default " + DEFAULT_MONITOR_TIMEOUT.toSeconds()
                            + "; 1-" + MAX_MONITOR_TIMEOUT.toSeconds() + ")",
                    (b, seconds) -> b.monitorTimeout(Duration.ofSeconds(seconds))),
            new Option("--key-generation", "API_ANALYTICS_KEY_GENERATION", "MODE",
                    "who may mint keys: open (anyone, limited per address; default), token (holders of the admin "
                            + "token) or off",
                    (b, v) -> b.keyGeneration(KeyGeneration.parse(v))),
            new Option("--admin-token", "API_ANALYTICS_ADMIN_TOKEN", "TOKEN",
                    "secret that --key-generation token asks for, at least " + MIN_ADMIN_TOKEN_LENGTH
                            + " characters (prefer the variable: flags show in ps)",
                    Builder::adminToken),
            intOption("--keys-per-hour", "API_ANALYTICS_KEYS_PER_HOUR",
                    "keys one client address may mint per hour in open mode (default " + DEFAULT_KEYS_PER_HOUR + ")",
                    Builder::keysPerHour),
            new Option("--trusted-proxies", "API_ANALYTICS_TRUSTED_PROXIES", "CIDRS",
                    "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client "
                            + "(default none: the header is ignored)",
                    (b, v) -> b.trustedProxies(List.of(v.split(",")))),
            new Option("--metrics", "API_ANALYTICS_METRICS", "on|off",
                    "serve Prometheus metrics on GET /metrics (default on; counts only, no key, path or host)",
                    (b, v) -> b.metrics(onOff(v))),
            intOption("--metrics-port", "API_ANALYTICS_METRICS_PORT",
                    "serve /metrics on this port alone instead of the main port (default: the main port)",
                    Builder::metricsPort),
            switchOption("--monitor-allow-private", "API_ANALYTICS_MONITOR_ALLOW_PRIVATE",
                    "let monitors ping loopback, private and link-local addresses, to monitor a LAN (default off; "
                            + "metadata addresses and the collector's own port stay refused)",
                    Builder::monitorAllowPrivate),
            // HTTP layer limits
            intOption("--header-timeout-seconds", "API_ANALYTICS_HEADER_TIMEOUT_SECONDS",
                    "close a connection that has not sent a whole request head within N seconds (default "
                            + DEFAULT_HEADER_TIMEOUT.toSeconds() + ")",
                    (b, seconds) -> b.headerTimeout(Duration.ofSeconds(seconds))),
            intOption("--idle-timeout-seconds", "API_ANALYTICS_IDLE_TIMEOUT_SECONDS",
                    "close a connection silent for N seconds while a request is read or answered (default "
                            + DEFAULT_IDLE_TIMEOUT.toSeconds() + ")",
                    (b, seconds) -> b.idleTimeout(Duration.ofSeconds(seconds))),
            longOption("--min-body-bytes-per-second", "API_ANALYTICS_MIN_BODY_BYTES_PER_SECOND",
                    "408 for a request body arriving slower than this on average, after its first header-timeout "
                            + "seconds (default " + DEFAULT_MIN_BODY_BYTES_PER_SECOND + ")",
                    Builder::minBodyBytesPerSecond),
            intOption("--max-connections", "API_ANALYTICS_MAX_CONNECTIONS",
                    "open connections in all; past it new ones wait (default " + DEFAULT_MAX_CONNECTIONS + ")",
                    Builder::maxConnections),
            intOption("--max-connections-per-address", "API_ANALYTICS_MAX_CONNECTIONS_PER_ADDRESS",
                    "open connections from one client address; past it new ones are closed (default "
                            + DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + "; raise it behind a reverse proxy)",
                    Builder::maxConnectionsPerAddress),
            intOption("--max-header-bytes", "API_ANALYTICS_MAX_HEADER_BYTES",
                    "largest request line plus headers; 414/431 past it (default " + DEFAULT_MAX_HEADER_BYTES + ")",
                    Builder::maxHeaderBytes),
            intOption("--shutdown-timeout-seconds", "API_ANALYTICS_SHUTDOWN_TIMEOUT_SECONDS",
                    "on stop, wait up to N seconds for requests in flight (default "
                            + DEFAULT_SHUTDOWN_TIMEOUT.toSeconds() + ")",
                    (b, seconds) -> b.shutdownTimeout(Duration.ofSeconds(seconds))),
            intOption("--alert-max-destinations", "API_ANALYTICS_ALERT_MAX_DESTINATIONS",
                    "webhook destinations one key may have for alerts, 0 to turn alerts off (default "
                            + ServerConfig.DEFAULT_ALERT_MAX_DESTINATIONS + "; their targets obey --monitor-allow-private)",
                    Builder::alertMaxDestinations),
            // raw-row retention
            intOption("--raw-retention-days", "API_ANALYTICS_RAW_RETENTION_DAYS",
                    "delete raw request rows older than N days, keeping their hourly summaries (default 0: keep "
                            + "them as long as their key; at most " + MAX_RAW_RETENTION_DAYS + ")",
                    (b, days) -> b.rawRetention(Duration.ofDays(days))),
            // ingestion hardening
            intOption("--max-compression-ratio", "API_ANALYTICS_MAX_COMPRESSION_RATIO",
                    "413 for a gzip post inflating past 4 MiB to more than N times its size on the wire, as gzip "
                            + "bombs do (default " + ServerConfig.DEFAULT_MAX_COMPRESSION_RATIO + "; real batches stay under 90; 10-1100)",
                    Builder::maxCompressionRatio));

    private static final Map<String, Option> BY_FLAG =
            OPTIONS.stream().collect(Collectors.toMap(Option::flag, Function.identity()));

    private ServerFlags() {}

    /**
     * Reads flags ({@code --port 8421} or {@code --port=8421}) over environment variables.
     *
     * @throws IllegalArgumentException naming the flag or variable that is wrong
     */
    static ServerConfig parse(List<String> args, Map<String, String> environment) {
        Builder builder = ServerConfig.builder();
        for (Option option : OPTIONS) {
            String value = environment.get(option.environment());
            if (value != null && !value.isBlank()) {
                set(builder, option, option.environment(), value);
            }
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                flag = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            Option option = BY_FLAG.get(flag.toLowerCase(Locale.ROOT));
            if (option == null) {
                throw new IllegalArgumentException("unknown option " + flag + " (see --help)");
            }
            if (value == null && option.argument() == null) {
                value = "true"; // a switch: present means on
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(flag + " needs a value: " + flag + " " + option.argument());
                }
                value = args.get(++i);
            }
            set(builder, option, flag, value);
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
            String left = "  " + option.flag() + (option.argument() == null ? "" : " " + option.argument());
            text.append(String.format(Locale.ROOT, "%-34s %s%n%-34s [%s]%n", left, option.help(), "", option.environment()));
        }
        text.append(String.format(Locale.ROOT, "%-34s %s%n", "  --help", "print this and exit"));
        return text.toString();
    }

    /** Applies one value; a rejected value's message is prefixed with the flag or variable it came from. */
    private static void set(Builder builder, Option option, String source, String value) {
        try {
            option.setter().accept(builder, value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static boolean onOff(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("expected on or off, was '" + value + "'");
        };
    }

    private static Option intOption(String flag, String environment, String help, ObjIntConsumer<Builder> setter) {
        return new Option(flag, environment, "N", help, (b, v) -> setter.accept(b, parseInt(v)));
    }

    private static Option longOption(String flag, String environment, String help, ObjLongConsumer<Builder> setter) {
        return new Option(flag, environment, "N", help, (b, v) -> setter.accept(b, parseLong(v)));
    }

    /** A flag without a value; its variable and {@code --flag=VALUE} take true or false. */
    private static Option switchOption(String flag, String environment, String help, BiConsumer<Builder, Boolean> setter) {
        return new Option(flag, environment, null, help, (b, v) -> setter.accept(b, parseBoolean(v)));
    }

    private static boolean parseBoolean(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not true or false: '" + value + "'");
        };
    }

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw notAWholeNumber(value);
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw notAWholeNumber(value);
        }
    }

    private static IllegalArgumentException notAWholeNumber(String value) {
        return new IllegalArgumentException("not a whole number: '" + value + "'");
    }
}
