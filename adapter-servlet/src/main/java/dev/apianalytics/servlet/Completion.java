package dev.apianalytics.servlet;

import dev.apianalytics.core.ApiAnalytics;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records one request when its response is complete: at once for a synchronous request
 * ({@link #record}), or, as this listener, when the container completes an asynchronous one.
 *
 * <p>{@code onTimeout} and {@code onError} do not record: the container always completes the
 * request after them (with the error status, or whatever a listener of the application
 * wrote), and only then are the status and the duration final. The flag keeps it to one
 * record even if a container reported completion twice.
 */
final class Completion implements AsyncListener {

    private final ApiAnalytics analytics;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final long startNanos;
    private final long startMillis;
    private final AtomicBoolean recorded = new AtomicBoolean();

    Completion(ApiAnalytics analytics, HttpServletRequest request, HttpServletResponse response,
            long startNanos, long startMillis) {
        this.analytics = analytics;
        this.request = request;
        this.response = response;
        this.startNanos = startNanos;
        this.startMillis = startMillis;
    }

    /** Records a request whose response is complete. */
    static void record(ApiAnalytics analytics, HttpServletRequest request, int status, long startNanos, long startMillis) {
        try {
            analytics.record(new ServletRequestView(request), status, RouteTemplate.of(request), startNanos, startMillis);
        } catch (RuntimeException | LinkageError e) {
            // core guards the mappers; this covers the view and the route lookup, so that a broken
            // request object or a container missing a servlet API never reaches the container
            analytics.reportTrackingFailure(e);
        }
    }

    void awaitAsync(AsyncContext context) {
        try {
            context.addListener(this);
        } catch (IllegalStateException alreadyCompleted) {
            onComplete(null);
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (recorded.compareAndSet(false, true)) {
            record(analytics, request, response.getStatus(), startNanos, startMillis);
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // recorded in onComplete, which follows
    }

    @Override
    public void onError(AsyncEvent event) {
        // recorded in onComplete, which follows
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // a new asynchronous cycle drops its listeners: stay registered until the last one completes
        event.getAsyncContext().addListener(this);
    }
}
