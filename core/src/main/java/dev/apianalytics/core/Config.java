package dev.apianalytics.core;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything an adapter needs to know, shared by every framework: the API key, where the
 * collector is, the privacy level, the mappers and the uploader's knobs.
 *
 * <pre>{@code
 * Config config = Config.builder("<API-KEY>")
 *         .privacyLevel(1)
 *         .ipAddress(RequestMapper.forwardedFor())
 *         .userId(RequestMapper.header("X-User-Id"))
 *         .build();
 * }</pre>
 *
 * The same settings read from a framework's own configuration go through {@link #fromSettings},
 * by the kebab-case names that {@link #settings()} lists.
 *
 * A blank API key builds a disabled configuration: the adapter records nothing and says so once.
 * A value out of range fails at {@link Builder#build()} with a message naming the field.
 */
public final class Config {

    /** Where the self-hosted collector listens by default. */
    public static final String DEFAULT_SERVER_URL = "http://localhost:8421";

    private final String apiKey;
    private final URI serverUrl;
    private final PrivacyLevel privacyLevel;
    private final RequestMapper getPath;
    private final RequestMapper getIpAddress;
    private final RequestMapper getHostname;
    private final RequestMapper getUserAgent;
    private final RequestMapper getUserId;
    private final Duration flushInterval;
    private final int batchSize;
    private final int queueCapacity;
    private final Duration requestTimeout;
    private final Duration maxRetryDuration;
    private final Duration initialBackoff;
    private final Duration shutdownTimeout;
    private final boolean gzip;
    private final boolean flushOnShutdown;
    private final List<String> excludePaths;
    private final ExcludedPaths excluded;
    private final boolean debug;

    private Config(Builder builder) {
        this.apiKey = builder.apiKey == null ? "" : builder.apiKey.trim();
        this.serverUrl = parseServerUrl(builder.serverUrl);
        this.privacyLevel = builder.privacyLevel;
        this.getPath = builder.getPath;
        this.getIpAddress = builder.getIpAddress;
        this.getHostname = builder.getHostname;
        this.getUserAgent = builder.getUserAgent;
        this.getUserId = builder.getUserId;
        this.flushInterval = positive("flushInterval", builder.flushInterval);
        this.batchSize = atLeast("batchSize", builder.batchSize, 1);
        this.queueCapacity = atLeast("queueCapacity", builder.queueCapacity, 1);
        this.requestTimeout = positive("requestTimeout", builder.requestTimeout);
        this.maxRetryDuration = notNegative("maxRetryDuration", builder.maxRetryDuration);
        this.initialBackoff = positive("initialBackoff", builder.initialBackoff);
        this.shutdownTimeout = notNegative("shutdownTimeout", builder.shutdownTimeout);
        this.gzip = builder.gzip;
        this.flushOnShutdown = builder.flushOnShutdown;
        this.excluded = ExcludedPaths.compile(builder.excludePaths);
        this.excludePaths = List.copyOf(builder.excludePaths);
        this.debug = builder.debug;
    }

    /** A builder with every default, for this API key. */
    public static Builder builder(String apiKey) {
        return new Builder().apiKey(apiKey);
    }

    /** A builder with every default and no key yet. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with every default, then every setting that {@code lookup} knows applied, by
     * the names {@link #settings()} lists ({@code api-key}, {@code server-url},
     * {@code privacy-level}, ...; no prefix). A name the lookup maps to {@code null} or a blank
     * value keeps its default. Durations read as {@code 500ms}, {@code 5s}, {@code 10m},
     * {@code 1h}, ISO-8601 ({@code PT5S}) or plain milliseconds; booleans as {@code true} or
     * {@code false}.
     *
     * @throws IllegalArgumentException naming the setting and the form it expects, for a value
     *     that does not parse; a value out of range fails later, at {@link Builder#build()}
     */
    public static Builder fromSettings(Function<String, String> lookup) {
        Objects.requireNonNull(lookup, "lookup must not be null");
        Builder builder = new Builder();
        Settings.applyAll(lookup, builder);
        return builder;
    }

    /**
     * Every setting {@link #fromSettings} reads, in a stable order: for generators of framework
     * metadata and for documentation.
     */
    public static List<Setting> settings() {
        return Settings.table();
    }

    /**
     * One configuration setting as {@link #fromSettings} reads it.
     *
     * @param name the kebab-case key, such as {@code flush-interval}
     * @param type the form of its value, such as {@code duration} or {@code header name}
     * @param defaultValue the default, as text ({@code 5s}); empty when there is none
     * @param example a valid value other than the default, for documentation and tests
     * @param description one line on what it does
     */
    public record Setting(String name, String type, String defaultValue, String example, String description) {}

    /**
     * Adjusts a configuration read from a framework's settings before analytics starts,
     * typically to set mappers in code. The Micronaut and Quarkus adapters apply every bean of
     * this type, after the settings and any named mapper beans.
     */
    @FunctionalInterface
    public interface Customizer {

        /** Changes what is needed; the builder already holds the application's settings. */
        void customize(Builder config);
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .apiKey(apiKey)
                .serverUrl(serverUrl.toString())
                .privacyLevel(privacyLevel)
                .path(getPath)
                .ipAddress(getIpAddress)
                .hostname(getHostname)
                .userAgent(getUserAgent)
                .userId(getUserId)
                .flushInterval(flushInterval)
                .batchSize(batchSize)
                .queueCapacity(queueCapacity)
                .requestTimeout(requestTimeout)
                .maxRetryDuration(maxRetryDuration)
                .initialBackoff(initialBackoff)
                .shutdownTimeout(shutdownTimeout)
                .gzip(gzip)
                .flushOnShutdown(flushOnShutdown)
                .excludePaths(excludePaths)
                .debug(debug);
    }

    /** The key the collector issued; empty when analytics is disabled. */
    public String apiKey() {
        return apiKey;
    }

    /** Whether a key is set, and so whether anything is recorded. */
    public boolean enabled() {
        return !apiKey.isEmpty();
    }

    /** The collector's base URL; uploads go to {@code /api/log-request} under it. */
    public URI serverUrl() {
        return serverUrl;
    }

    /** How much of the client address is sent and kept. */
    public PrivacyLevel privacyLevel() {
        return privacyLevel;
    }

    /** The path mapper; {@code null} means the view's path. */
    public RequestMapper getPath() {
        return getPath;
    }

    /** The IP mapper; {@code null} means the peer address. Never called at privacy level 2. */
    public RequestMapper getIpAddress() {
        return getIpAddress;
    }

    /** The hostname mapper; {@code null} means the {@code Host} header. */
    public RequestMapper getHostname() {
        return getHostname;
    }

    /** The user-agent mapper; {@code null} means the {@code User-Agent} header. */
    public RequestMapper getUserAgent() {
        return getUserAgent;
    }

    /** The user-id mapper; {@code null} means no user id. */
    public RequestMapper getUserId() {
        return getUserId;
    }

    /** The longest a partly filled batch waits before it is sent. */
    public Duration flushInterval() {
        return flushInterval;
    }

    /** Records per upload. */
    public int batchSize() {
        return batchSize;
    }

    /** Records held while waiting to be sent; beyond it records are dropped and counted. */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** The connect and response timeout of one upload. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How long one batch is retried before it is given up. */
    public Duration maxRetryDuration() {
        return maxRetryDuration;
    }

    /** The wait before the first retry; it doubles per attempt, up to 10 s. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** How long closing (and the shutdown hook) may spend flushing. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Whether uploads are gzipped. */
    public boolean gzip() {
        return gzip;
    }

    /** Whether a JVM shutdown hook flushes what is queued. */
    public boolean flushOnShutdown() {
        return flushOnShutdown;
    }

    /** The path patterns of requests that are not recorded, as given; empty by default. */
    public List<String> excludePaths() {
        return excludePaths;
    }

    /** {@link #excludePaths()} compiled, for {@link ApiAnalytics#tracks}. */
    ExcludedPaths excluded() {
        return excluded;
    }

    /** Whether each batch sent is logged (records, bytes, time). */
    public boolean debug() {
        return debug;
    }

    /**
     * Equal when every setting is: the same key, URL, levels, sizes and durations, and equal
     * mappers (header mappers of the same header are equal; other mappers only to themselves).
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Config that
                && apiKey.equals(that.apiKey)
                && serverUrl.equals(that.serverUrl)
                && privacyLevel == that.privacyLevel
                && Objects.equals(getPath, that.getPath)
                && Objects.equals(getIpAddress, that.getIpAddress)
                && Objects.equals(getHostname, that.getHostname)
                && Objects.equals(getUserAgent, that.getUserAgent)
                && Objects.equals(getUserId, that.getUserId)
                && flushInterval.equals(that.flushInterval)
                && batchSize == that.batchSize
                && queueCapacity == that.queueCapacity
                && requestTimeout.equals(that.requestTimeout)
                && maxRetryDuration.equals(that.maxRetryDuration)
                && initialBackoff.equals(that.initialBackoff)
                && shutdownTimeout.equals(that.shutdownTimeout)
                && gzip == that.gzip
                && flushOnShutdown == that.flushOnShutdown
                && excludePaths.equals(that.excludePaths)
                && debug == that.debug;
    }

    @Override
    public int hashCode() {
        return Objects.hash(apiKey, serverUrl, privacyLevel, getPath, getIpAddress, getHostname, getUserAgent, getUserId,
                flushInterval, batchSize, queueCapacity, requestTimeout, maxRetryDuration, initialBackoff,
                shutdownTimeout, gzip, flushOnShutdown, excludePaths, debug);
    }

    @Override
    public String toString() {
        // never print the key itself: configurations end up in logs
        return "Config[apiKey=" + (enabled() ? "<set>" : "<blank>")
                + ", serverUrl=" + serverUrl
                + ", privacyLevel=" + privacyLevel.level()
                + ", flushInterval=" + flushInterval
                + ", batchSize=" + batchSize
                + ", queueCapacity=" + queueCapacity
                + ", requestTimeout=" + requestTimeout
                + ", maxRetryDuration=" + maxRetryDuration
                + ", initialBackoff=" + initialBackoff
                + ", shutdownTimeout=" + shutdownTimeout
                + ", gzip=" + gzip
                + ", flushOnShutdown=" + flushOnShutdown
                + ", excludePaths=" + excludePaths
                + ", debug=" + debug + "]";
    }

    private static URI parseServerUrl(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("serverUrl must not be blank");
        }
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serverUrl is not a valid URL: " + value, e);
        }
        String scheme = uri.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException("serverUrl must be an http:// or https:// URL with a host, but was " + value);
        }
        return uri;
    }

    private static Duration positive(String field, Duration value) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be positive, but was " + value);
        }
        return value;
    }

    private static Duration notNegative(String field, Duration value) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, but was " + value);
        }
        return value;
    }

    private static int atLeast(String field, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(field + " must be at least " + minimum + ", but was " + value);
        }
        return value;
    }

    /** Collects settings; {@link #build()} validates them all at once. */
    public static final class Builder {
        private String apiKey = "";
        private String serverUrl = DEFAULT_SERVER_URL;
        private PrivacyLevel privacyLevel = PrivacyLevel.STORE_IP;
        private RequestMapper getPath;
        private RequestMapper getIpAddress;
        private RequestMapper getHostname;
        private RequestMapper getUserAgent;
        private RequestMapper getUserId;
        private Duration flushInterval = Duration.ofSeconds(5);
        private int batchSize = 10_000;
        private int queueCapacity = 20_000;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration maxRetryDuration = Duration.ofMinutes(10);
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private boolean gzip = true;
        private boolean flushOnShutdown = true;
        private List<String> excludePaths = List.of();
        private boolean debug;

        private Builder() {}

        /** The key the collector issued. Blank disables analytics (with one warning). */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The collector's base URL; default {@value Config#DEFAULT_SERVER_URL}. */
        public Builder serverUrl(String serverUrl) {
            this.serverUrl = serverUrl;
            return this;
        }

        /** How much of the client address is sent and kept; default {@link PrivacyLevel#STORE_IP}. */
        public Builder privacyLevel(PrivacyLevel privacyLevel) {
            this.privacyLevel = Objects.requireNonNull(privacyLevel, "privacyLevel must not be null");
            return this;
        }

        /** 0 (default), 1 or 2; see {@link PrivacyLevel}. */
        public Builder privacyLevel(int privacyLevel) {
            return privacyLevel(PrivacyLevel.of(privacyLevel));
        }

        /** The path to record; {@code null} (default) means the request path. The query string is always cut off. */
        public Builder path(RequestMapper mapper) {
            this.getPath = mapper;
            return this;
        }

        /**
         * The client address to record; {@code null} (default) means the peer address. Never
         * called at privacy level 2. Behind a proxy, see {@link RequestMapper#forwardedFor()}.
         */
        public Builder ipAddress(RequestMapper mapper) {
            this.getIpAddress = mapper;
            return this;
        }

        /** The host name to record; {@code null} (default) means the {@code Host} header. */
        public Builder hostname(RequestMapper mapper) {
            this.getHostname = mapper;
            return this;
        }

        /** The user agent to record; {@code null} (default) means the {@code User-Agent} header. */
        public Builder userAgent(RequestMapper mapper) {
            this.getUserAgent = mapper;
            return this;
        }

        /** Your own identifier of the caller, at every privacy level; {@code null} (default) records none. */
        public Builder userId(RequestMapper mapper) {
            this.getUserId = mapper;
            return this;
        }

        /** The upstream family's name for {@link #path(RequestMapper)}. */
        @Deprecated
        public Builder getPath(RequestMapper mapper) {
            return path(mapper);
        }

        /** The upstream family's name for {@link #ipAddress(RequestMapper)}. */
        @Deprecated
        public Builder getIpAddress(RequestMapper mapper) {
            return ipAddress(mapper);
        }

        /** The upstream family's name for {@link #hostname(RequestMapper)}. */
        @Deprecated
        public Builder getHostname(RequestMapper mapper) {
            return hostname(mapper);
        }

        /** The upstream family's name for {@link #userAgent(RequestMapper)}. */
        @Deprecated
        public Builder getUserAgent(RequestMapper mapper) {
            return userAgent(mapper);
        }

        /** The upstream family's name for {@link #userId(RequestMapper)}. */
        @Deprecated
        public Builder getUserId(RequestMapper mapper) {
            return userId(mapper);
        }

        /** How long a partly filled batch may wait before it is sent; default 5 s. */
        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        /**
         * Records per upload; a full batch is sent at once. Default 10,000, the most our collector
         * takes in one post by default: under load, fewer and larger posts cost the application
         * less CPU than many small ones (a post costs its threads about a millisecond).
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Records held while waiting to be sent; beyond it records are dropped and counted. Default 20,000. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** The timeout of one upload; default 10 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How long one batch is retried before it is given up; default 10 min. */
        public Builder maxRetryDuration(Duration maxRetryDuration) {
            this.maxRetryDuration = maxRetryDuration;
            return this;
        }

        /**
         * The wait before the first retry of a failed upload; default 500 ms. Each further
         * attempt waits twice as long (up to 10 s), with random jitter, unless the collector
         * sends {@code Retry-After}.
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        /** How long closing (and the JVM shutdown hook) may spend flushing; default 5 s. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /** Whether uploads are gzipped; default true. */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /** Whether a JVM shutdown hook flushes what is queued; default true. */
        public Builder flushOnShutdown(boolean flushOnShutdown) {
            this.flushOnShutdown = flushOnShutdown;
            return this;
        }

        /**
         * Requests whose path matches one of these Ant-style patterns are not recorded, such as
         * health checks and static files: {@code excludePaths("/health", "/actuator/**", "*.css")}.
         * {@code *} matches within one path segment, {@code **} any number of segments,
         * {@code ?} one character; a pattern without a leading {@code /} matches at any depth.
         * Patterns are matched on the request's own path (before any {@link #path} mapper), without
         * the query string. Replaces the patterns set before; none by default.
         */
        public Builder excludePaths(String... patterns) {
            return excludePaths(java.util.Arrays.asList(patterns));
        }

        /** The same as {@link #excludePaths(String...)}. */
        public Builder excludePaths(java.util.Collection<String> patterns) {
            Objects.requireNonNull(patterns, "excludePaths must not be null");
            this.excludePaths = new java.util.ArrayList<>(patterns);
            return this;
        }

        /** Whether each batch sent is logged at INFO, with its records, bytes and time; default false. */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /**
         * The validated configuration.
         *
         * @throws IllegalArgumentException naming the first field that is out of range
         */
        public Config build() {
            return new Config(this);
        }
    }
}
