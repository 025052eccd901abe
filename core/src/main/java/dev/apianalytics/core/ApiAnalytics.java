package dev.apianalytics.core;

import dev.apianalytics.core.internal.RateLimitedLog;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.Seams;
import dev.apianalytics.core.internal.Uploader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One instrumented application: its configuration, its framework's name and its uploader.
 * Adapters create one, call {@link #record} when a request completes, pass what their own
 * tracking code throws to {@link #reportTrackingFailure}, and close it when the application stops.
 *
 * <pre>{@code
 * ApiAnalytics analytics = ApiAnalytics.create(config, "Javalin");
 * long startNanos = System.nanoTime();
 * long startMillis = System.currentTimeMillis();
 * // ... the request is handled ...
 * analytics.record(view, status, "/users/{id}", startNanos, startMillis);
 * }</pre>
 */
public final class ApiAnalytics implements AutoCloseable {

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final RateLimitedLog MAPPER_LOG = new RateLimitedLog(MINUTE_NANOS);

    static {
        Seams.analyticsFactory(ApiAnalytics::new);
    }

    private final Config config;
    private final String framework;
    private final Uploader uploader;
    private final RateLimitedLog trackingFailureLog = new RateLimitedLog(MINUTE_NANOS);
    private final ExcludedPaths excluded;
    private final javax.management.ObjectName mxBeanName;

    private ApiAnalytics(Config config, String framework, Uploader uploader) {
        this.config = config;
        this.excluded = config.excluded();
        this.framework = framework;
        this.uploader = uploader;
        this.mxBeanName = uploader == null ? null : AnalyticsMXBean.register(this, framework);
    }

    /**
     * Starts analytics for one application. With a blank API key the instance records
     * nothing and one warning says so; the application runs as usual.
     *
     * @param framework the name sent to the collector: Servlet, Javalin, Vert.x, Micronaut, Quarkus, Spring MVC or Spring WebFlux
     * @throws IllegalArgumentException when {@code framework} is blank
     */
    public static ApiAnalytics create(Config config, String framework) {
        java.util.Objects.requireNonNull(config, "config must not be null");
        if (framework == null || framework.isBlank()) {
            throw new IllegalArgumentException("framework must name the web framework, such as Javalin");
        }
        if (!config.enabled()) {
            new RateLimitedLog(Long.MAX_VALUE).warn(
                    "API Analytics is disabled: no API key is configured. Generate one on your collector's"
                            + " dashboard and set it to start recording requests.", null);
            return new ApiAnalytics(config, framework, null);
        }
        RateLimitedLog.info("API Analytics records " + framework + " requests to " + config.serverUrl()
                + " at privacy level " + config.privacyLevel().level()
                + (config.excludePaths().isEmpty() ? "" : ", except paths matching " + String.join(", ", config.excludePaths())));
        return new ApiAnalytics(config, framework, new Uploader(config, framework));
    }

    /** The configuration this instance was created with. */
    public Config config() {
        return config;
    }

    /** The framework name sent to the collector. */
    public String framework() {
        return framework;
    }

    /** Whether requests are being recorded (an API key is set). */
    public boolean enabled() {
        return uploader != null;
    }

    /**
     * Whether a request to {@code path} is recorded: analytics is enabled and the path matches
     * none of {@link Config#excludePaths()}. Adapters call it first, with the request's own
     * path, and do no per-request work for a request it turns down. Never throws; does not
     * allocate.
     *
     * @param path the request path as received (a query string is ignored), or {@code null}
     */
    public boolean tracks(String path) {
        return uploader != null && !excluded.matches(path);
    }

    /**
     * Records one completed request that {@link #tracks} accepted. Runs the mappers on the
     * calling thread, then hands an immutable record to the uploader. Never throws and never
     * blocks.
     *
     * @param request the request, still valid on this thread
     * @param status the response status sent
     * @param route the matched route template, or {@code null}
     * @param startNanos {@link System#nanoTime()} when the request arrived
     * @param startEpochMillis {@link System#currentTimeMillis()} when the request arrived
     */
    public void record(RequestView request, int status, String route, long startNanos, long startEpochMillis) {
        if (uploader == null || request == null) {
            return;
        }
        try {
            long micros = Math.max(0, (System.nanoTime() - startNanos) / 1000);
            uploader.offer(new RequestRecord(
                    orEmpty(apply(config.getHostname(), request, "getHostname", Field.HOST)),
                    config.privacyLevel().sendsIp() ? apply(config.getIpAddress(), request, "getIpAddress", Field.IP) : null,
                    withoutQuery(orEmpty(apply(config.getPath(), request, "getPath", Field.PATH))),
                    route,
                    orEmpty(apply(config.getUserAgent(), request, "getUserAgent", Field.USER_AGENT)),
                    method(request),
                    status,
                    micros,
                    config.getUserId() == null ? null : apply(config.getUserId(), request, "getUserId", Field.NONE),
                    startEpochMillis));
        } catch (RuntimeException | LinkageError e) {
            MAPPER_LOG.warn("API Analytics could not record a request", e);
        }
    }

    /**
     * Reports that the adapter's own code failed while tracking a request, for example when a
     * framework's internal API changed. Adapters call it from the {@code catch} around their
     * tracking code and then serve the request as usual. The first failure is logged as a
     * warning with its stack trace; later ones at most once a minute, with the number
     * suppressed in between. Never throws.
     *
     * @param failure what was thrown, or {@code null}
     */
    public void reportTrackingFailure(Throwable failure) {
        trackingFailureLog.warn("API Analytics could not track a " + framework + " request; it is served as usual", failure);
    }

    /** Sends what is queued, waiting at most {@code timeout}; whether it all went. */
    public boolean flush(Duration timeout) {
        return uploader == null || uploader.flush(timeout);
    }

    /** Counters of the uploader; all zero when disabled. */
    public UploaderStats stats() {
        return uploader == null ? new UploaderStats(0, 0, 0, 0, 0, 0, 0) : uploader.stats();
    }

    /** Flushes within the configured shutdown timeout and stops. Idempotent. */
    @Override
    public void close() {
        if (uploader != null) {
            uploader.close();
            AnalyticsMXBean.unregister(mxBeanName);
        }
    }

    /** Flushes within {@code timeout} and stops; what is still queued then is dropped and counted. Idempotent. */
    public void close(Duration timeout) {
        if (uploader != null) {
            uploader.close(timeout);
            AnalyticsMXBean.unregister(mxBeanName);
        }
    }

    private enum Field { HOST, IP, PATH, USER_AGENT, NONE }

    private static String apply(RequestMapper mapper, RequestView request, String name, Field fallback) {
        try {
            if (mapper != null) {
                return mapper.map(request);
            }
            switch (fallback) {
                case HOST:
                    return request.host();
                case IP:
                    return request.remoteAddress();
                case PATH:
                    return request.path();
                case USER_AGENT:
                    return request.header("User-Agent");
                default:
                    return null;
            }
        } catch (RuntimeException | LinkageError e) {
            MAPPER_LOG.warn("API Analytics mapper " + name + " threw; the field is left empty", e);
            return null;
        }
    }

    private static String method(RequestView request) {
        try {
            String method = request.method();
            // toUpperCase returns the same instance when there is nothing to change
            return method == null ? "" : method.toUpperCase(java.util.Locale.ROOT);
        } catch (RuntimeException e) {
            MAPPER_LOG.warn("API Analytics could not read the request method", e);
            return "";
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String withoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }
}
