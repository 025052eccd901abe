package dev.apianalytics.vertx;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records every request that passes through a Vert.x Web router. Register it first, on
 * every path, so that the timing starts when the request arrives:
 *
 * <pre>{@code
 * router.route().handler(ApiAnalyticsHandler.create(config));
 * }</pre>
 *
 * A request is recorded once, when its response is complete or its connection is closed,
 * with the route template that handled it ({@code /users/:id} is sent as {@code /users/{id}}).
 * Routes of a sub-router are known when the handler is also the first handler of that
 * sub-router. Pending records are flushed when the {@link Vertx} instance that served the
 * first request closes, or on {@link #close()}.
 */
public final class ApiAnalyticsHandler implements Handler<RoutingContext>, AutoCloseable {

    /** The name sent to the collector. */
    public static final String FRAMEWORK = "Vert.x";

    static final String CONTEXT_KEY = "dev.apianalytics.vertx.request";

    private final ApiAnalytics analytics;
    private final AtomicBoolean closeHookRegistered = new AtomicBoolean();
    private final Closeable closeHook = this::closeInBackground;

    private ApiAnalyticsHandler(ApiAnalytics analytics) {
        this.analytics = analytics;
    }

    /** A handler for this configuration; a blank API key gives a handler that only passes requests on. */
    public static ApiAnalyticsHandler create(Config config) {
        return new ApiAnalyticsHandler(ApiAnalytics.create(config, FRAMEWORK));
    }

    /** A handler that flushes and stops when {@code vertx} closes, even if it never served a request. */
    public static ApiAnalyticsHandler create(Vertx vertx, Config config) {
        ApiAnalyticsHandler handler = create(config);
        handler.closeWith(vertx);
        return handler;
    }

    /** The running analytics, for {@code flush} and {@code stats}. */
    public ApiAnalytics analytics() {
        return analytics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (analytics.tracks(ctx.request().path())) {
            track(ctx);
        }
        ctx.next();
    }

    private void track(RoutingContext ctx) {
        try {
            VertxRequestView request = ctx.get(CONTEXT_KEY);
            if (request != null) {
                request.routedBy(ctx); // a sub-router or a reroute: the request is already tracked
                return;
            }
            request = new VertxRequestView(analytics, ctx, System.nanoTime(), System.currentTimeMillis());
            ctx.put(CONTEXT_KEY, request);
            ctx.addEndHandler(request);
            closeWith(ctx.vertx());
        } catch (RuntimeException | LinkageError e) {
            analytics.reportTrackingFailure(e);
        }
    }

    private void closeWith(Vertx vertx) {
        if (!closeHookRegistered.get() && vertx instanceof VertxInternal
                && closeHookRegistered.compareAndSet(false, true)) {
            ((VertxInternal) vertx).addCloseHook(closeHook);
        }
    }

    private void closeInBackground(Completable<Void> completion) {
        // flushing waits on the network: keep it off the event loop that is closing Vert.x
        Thread closer = new Thread(() -> {
            try {
                analytics.close();
            } finally {
                completion.succeed();
            }
        }, "api-analytics-vertx-close");
        closer.setDaemon(true);
        closer.start();
    }

    /** Flushes what is queued, within the configured shutdown timeout, and stops. Idempotent. */
    @Override
    public void close() {
        analytics.close();
    }
}
