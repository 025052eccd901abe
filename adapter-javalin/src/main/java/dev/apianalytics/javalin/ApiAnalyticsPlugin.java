package dev.apianalytics.javalin;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.plugin.Plugin;
import io.javalin.router.Endpoint;
import io.javalin.router.Endpoints;
import java.util.Objects;

/**
 * Records every HTTP request a Javalin 7 application serves for API Analytics: method, path,
 * route template ({@code /users/{id}}), status (including 404 and 500), response time until
 * the response is written (also for {@code ctx.future(...)} handlers), host, client address,
 * user agent and user id.
 *
 * <pre>{@code
 * Javalin.create(cfg -> {
 *     cfg.registerPlugin(new ApiAnalyticsPlugin(Config.builder(apiKey).build()));
 *     cfg.routes.get("/users/{id}", ctx -> ctx.result(ctx.pathParam("id")));
 * }).start(7070);
 * }</pre>
 *
 * The uploader starts with the server and flushes what is queued when the server stops.
 */
public final class ApiAnalyticsPlugin extends Plugin<Void> {

    /** The name sent to the collector. */
    public static final String FRAMEWORK = "Javalin";

    private final Config config;
    private volatile ApiAnalytics analytics;

    /** A plugin recording with this configuration. */
    public ApiAnalyticsPlugin(Config config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
    }

    /** The running analytics, for {@code flush} and {@code stats}; {@code null} before start or after stop. */
    public ApiAnalytics analytics() {
        return analytics;
    }

    @Override
    public String name() {
        return "API Analytics";
    }

    @Override
    public void onStart(JavalinState state) {
        state.requestLogger.http(this::record);
        state.events.serverStarting(this::open);
        state.events.serverStartFailed(this::close);
        // after the server stopped, so requests finishing during a graceful stop are sent too
        state.events.serverStopped(this::close);
    }

    private void open() {
        if (analytics == null) {
            analytics = ApiAnalytics.create(config, FRAMEWORK);
        }
    }

    private void close() {
        ApiAnalytics current = analytics;
        analytics = null;
        if (current != null) {
            current.close();
        }
    }

    /**
     * Javalin calls request loggers once the response is written, with the time since the
     * request arrived; the arrival is derived from it so no handler of ours runs per request.
     */
    private void record(Context ctx, Float executionTimeMs) {
        ApiAnalytics current = analytics;
        if (current == null || !current.tracks(ctx.req().getRequestURI())) {
            return;
        }
        long elapsedNanos = executionTimeMs == null || executionTimeMs < 0 ? 0 : (long) (executionTimeMs * 1_000_000d);
        long startNanos = System.nanoTime() - elapsedNanos;
        long startMillis = System.currentTimeMillis() - elapsedNanos / 1_000_000;
        try {
            current.record(new JavalinRequestView(ctx), ctx.statusCode(), route(current, ctx), startNanos, startMillis);
        } catch (RuntimeException | LinkageError e) {
            // core never throws; a broken context must not reach Javalin's logger loop either
            current.reportTrackingFailure(e);
        }
    }

    /**
     * The path of the HTTP endpoint that handled the request, or {@code null} when none matched
     * (404: Javalin then has no endpoint, which is not a failure).
     */
    private static String route(ApiAnalytics analytics, Context ctx) {
        try {
            Endpoints endpoints = ctx.endpoints();
            Endpoint endpoint = endpoints.matchedHttpEndpoint();
            if (endpoint == null) {
                endpoint = endpoints.lastHttpEndpoint();
            }
            return endpoint == null ? null : endpoint.path;
        } catch (RuntimeException | LinkageError e) {
            // the endpoint API changed or the context is broken: record the request without a template
            analytics.reportTrackingFailure(e);
            return null;
        }
    }
}
