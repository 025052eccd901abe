package dev.apianalytics.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of {@link Config}'s settings: each row names a builder method, the form of its
 * value and how the value reads back, so that every framework's configuration, the docs and
 * the defaults come from here. Defaults are not repeated: a row reads its default from a
 * {@link Config} built with none set.
 */
final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final String DURATION_FORM = "a duration such as 500ms, 5s, 10m or PT5S";
    private static final String HEADER_FORM = "a header name such as X-User-Id";

    /** One row: the public description plus how to set and read the value. */
    private record Row(Config.Setting setting, BiConsumer<Config.Builder, String> apply) {}

    private static final List<Row> ROWS;
    private static final List<Config.Setting> TABLE;

    static {
        Config defaults = Config.builder().build();
        RowList rows = new RowList(defaults);
        rows.add("api-key", "string", Config::apiKey, "3f1c6b2a-0000-4000-8000-000000000001",
                "The key the collector issued; blank disables analytics with one warning.",
                Function.identity(), Config.Builder::apiKey, null);
        rows.add("server-url", "url", c -> c.serverUrl().toString(), "https://analytics.example.com",
                "The collector's base URL; batches go to {server-url}/api/log-request.",
                Function.identity(), Config.Builder::serverUrl, null);
        rows.add("privacy-level", "privacy level", c -> String.valueOf(c.privacyLevel().level()), "2",
                "How much of the client address is sent: 0 (store it), 1 (country only) or 2 (never read).",
                Settings::privacyLevel, Settings::privacyLevel, "0, 1 or 2 (or STORE_IP, COUNTRY_ONLY, NO_IP)");
        rows.add("flush-interval", "duration", c -> duration(c.flushInterval()), "750ms",
                "The longest a partly filled batch waits before it is sent.",
                Settings::duration, Config.Builder::flushInterval, DURATION_FORM);
        rows.add("batch-size", "int", c -> String.valueOf(c.batchSize()), "250",
                "Records per upload; a full batch is sent at once.",
                Integer::parseInt, Config.Builder::batchSize, "a whole number");
        rows.add("queue-capacity", "int", c -> String.valueOf(c.queueCapacity()), "5000",
                "Records held while waiting to be sent; beyond it new records are dropped and counted.",
                Integer::parseInt, Config.Builder::queueCapacity, "a whole number");
        rows.add("request-timeout", "duration", c -> duration(c.requestTimeout()), "3s",
                "The connect and response timeout of one upload.",
                Settings::duration, Config.Builder::requestTimeout, DURATION_FORM);
        rows.add("max-retry-duration", "duration", c -> duration(c.maxRetryDuration()), "2m",
                "How long one batch is retried (429, 5xx, I/O errors) before it is given up; 0 means one attempt.",
                Settings::duration, Config.Builder::maxRetryDuration, DURATION_FORM);
        rows.add("initial-backoff", "duration", c -> duration(c.initialBackoff()), "250ms",
                "The wait before the first retry; it doubles per attempt up to 10s, with jitter.",
                Settings::duration, Config.Builder::initialBackoff, DURATION_FORM);
        rows.add("shutdown-timeout", "duration", c -> duration(c.shutdownTimeout()), "1s",
                "How long closing (and the shutdown hook) may spend sending what is queued.",
                Settings::duration, Config.Builder::shutdownTimeout, DURATION_FORM);
        rows.add("gzip", "boolean", c -> String.valueOf(c.gzip()), "false",
                "Whether uploads are gzipped.",
                Settings::bool, Config.Builder::gzip, "true or false");
        rows.add("flush-on-shutdown", "boolean", c -> String.valueOf(c.flushOnShutdown()), "false",
                "Whether a JVM shutdown hook flushes what is queued.",
                Settings::bool, Config.Builder::flushOnShutdown, "true or false");
        rows.add("path-header", "header name", c -> "", "X-Original-URI",
                "Record the path from this request header instead of the request's own path.",
                Settings::header, Config.Builder::path, HEADER_FORM);
        rows.add("ip-address-header", "header name", c -> "", "X-Forwarded-For",
                "Record the client IP from this header (X-Forwarded-For: its first entry) instead of the peer address.",
                Settings::ipHeader, Config.Builder::ipAddress, HEADER_FORM);
        rows.add("hostname-header", "header name", c -> "", "X-Forwarded-Host",
                "Record the host name from this header instead of Host.",
                Settings::header, Config.Builder::hostname, HEADER_FORM);
        rows.add("user-agent-header", "header name", c -> "", "X-Original-User-Agent",
                "Record the user agent from this header instead of User-Agent.",
                Settings::header, Config.Builder::userAgent, HEADER_FORM);
        rows.add("user-id-header", "header name", c -> "", "X-User-Id",
                "Record this header's value as the caller's user id (none by default).",
                Settings::header, Config.Builder::userId, HEADER_FORM);
        rows.add("exclude-paths", "path patterns", c -> String.join(",", c.excludePaths()), "/health,/actuator/**,*.css",
                "Requests whose path matches one of these comma-separated Ant-style patterns are not recorded.",
                Settings::patterns, Config.Builder::excludePaths, "comma-separated path patterns such as /health,/actuator/**,*.css");
        rows.add("debug", "boolean", c -> String.valueOf(c.debug()), "true",
                "Log each batch sent (records, bytes, time) at INFO.",
                Settings::bool, Config.Builder::debug, "true or false");
        ROWS = List.copyOf(rows.rows);
        TABLE = ROWS.stream().map(Row::setting).toList();
    }

    private Settings() {}

    static List<Config.Setting> table() {
        return TABLE;
    }

    static void applyAll(Function<String, String> lookup, Config.Builder builder) {
        for (Row row : ROWS) {
            String value = lookup.apply(row.setting().name());
            if (value != null && !value.isBlank()) {
                row.apply().accept(builder, value.trim());
                try {
                    builder.build(); // so that a value out of range is reported with its key
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new IllegalArgumentException(e.getMessage() + " (setting " + row.setting().name() + ")", e);
                }
            }
        }
    }

    /** Collects rows, reading each default from a configuration with nothing set. */
    private static final class RowList {
        private final Config defaults;
        private final java.util.ArrayList<Row> rows = new java.util.ArrayList<>();

        RowList(Config defaults) {
            this.defaults = defaults;
        }

        <T> void add(String name, String type, Function<Config, String> current, String example, String description,
                Function<String, T> parse, BiConsumer<Config.Builder, T> setter, String form) {
            Config.Setting setting = new Config.Setting(name, type, current.apply(defaults), example, description);
            rows.add(new Row(setting, (builder, value) -> {
                T parsed;
                try {
                    parsed = parse.apply(value);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("bad value '" + value + "': expected "
                            + (form == null ? type : form) + " (setting " + name + ")", e);
                }
                try {
                    setter.accept(builder, parsed);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + " (setting " + name + ")", e);
                }
            }));
        }
    }

    /** A number, left to the builder to check its range, or a level's name. */
    private static Object privacyLevel(String value) {
        return value.chars().allMatch(Character::isDigit)
                ? (Object) Integer.valueOf(value)
                : PrivacyLevel.valueOf(value.toUpperCase(Locale.ROOT));
    }

    private static void privacyLevel(Config.Builder builder, Object level) {
        if (level instanceof Integer number) {
            builder.privacyLevel(number);
        } else {
            builder.privacyLevel((PrivacyLevel) level);
        }
    }

    /** {@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}, {@code 1d}, ISO-8601, or plain milliseconds. */
    static Duration duration(String value) {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The shortest exact form {@link #duration(String)} reads back. */
    static String duration(Duration value) {
        long millis = value.toMillis();
        if (!value.equals(Duration.ofMillis(millis))) {
            return value.toString();
        }
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** {@code /health, /actuator/**} as two patterns; empty entries are skipped. */
    private static List<String> patterns(String value) {
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    }

    private static boolean bool(String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("not a boolean");
    }

    private static RequestMapper header(String name) {
        if (!HEADER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a header name");
        }
        return RequestMapper.header(name);
    }

    /** {@code X-Forwarded-For} takes its first entry; any other header is read as is. */
    private static RequestMapper ipHeader(String name) {
        return name.equalsIgnoreCase("X-Forwarded-For") ? RequestMapper.forwardedFor() : header(name);
    }
}
