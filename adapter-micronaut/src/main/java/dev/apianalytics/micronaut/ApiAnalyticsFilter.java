package dev.apianalytics.micronaut;

import dev.apianalytics.core.ApiAnalytics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.BasicHttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.context.event.HttpRequestTerminatedEvent;
import io.micronaut.http.filter.ServerFilterPhase;
import jakarta.annotation.PreDestroy;

/**
 * Records every request a Micronaut server handles. Adding the dependency and setting
 * {@code api-analytics.api-key} is all it takes; every key of
 * {@link dev.apianalytics.core.Config#settings()} is read under {@code api-analytics.}, and
 * {@link dev.apianalytics.core.Config.Customizer} beans set mappers in code.
 *
 * <p>The filter runs first, so its timing starts before other filters and it sees the final
 * status (500 when a controller throws, 404 for unmatched paths). A request is recorded once
 * its response has been written, or its connection closed, so streamed and reactive responses
 * are measured until complete. Records are flushed when the application context closes.
 */
@Context // created at startup: a bad setting fails fast and the one log line appears then
@Requires(property = ApiAnalyticsSetup.ENABLED, notEquals = "false") // switched off: no filter at all
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class ApiAnalyticsFilter implements Ordered, ApplicationEventListener<HttpRequestTerminatedEvent> {

    /** The name sent to the collector. */
    public static final String FRAMEWORK = "Micronaut";

    static final String ATTRIBUTE = "dev.apianalytics.micronaut.request";

    private final ApiAnalytics analytics;

    ApiAnalyticsFilter(ApiAnalyticsSetup setup) {
        this.analytics = ApiAnalytics.create(setup.config(), FRAMEWORK);
    }

    /** The running analytics, for {@code flush} and {@code stats}. */
    public ApiAnalytics analytics() {
        return analytics;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }

    @RequestFilter
    void onRequest(HttpRequest<?> request) {
        if (analytics.tracks(request.getPath())) {
            try {
                request.setAttribute(ATTRIBUTE, new MicronautRequestView(request, System.nanoTime(), System.currentTimeMillis()));
            } catch (RuntimeException | LinkageError e) {
                analytics.reportTrackingFailure(e);
            }
        }
    }

    @ResponseFilter
    void onResponse(HttpRequest<?> request, MutableHttpResponse<?> response) {
        MicronautRequestView tracked = tracked(request);
        if (tracked != null) {
            try {
                tracked.responded(response.code(), BasicHttpAttributes.getUriTemplate(request).orElse(null));
            } catch (RuntimeException | LinkageError e) {
                analytics.reportTrackingFailure(e);
            }
        }
    }

    /** The response is written (or the connection is gone): the request is complete. */
    @Override
    public void onApplicationEvent(HttpRequestTerminatedEvent event) {
        MicronautRequestView tracked = tracked(event.getSource());
        if (tracked != null && tracked.status() > 0) {
            analytics.record(tracked, tracked.status(), tracked.route(), tracked.startNanos(), tracked.startMillis());
        }
    }

    /** Flushes what is queued, within the configured shutdown timeout; called when the context closes. */
    @PreDestroy
    public void close() {
        analytics.close();
    }

    private MicronautRequestView tracked(HttpRequest<?> request) {
        try {
            Object value = request.getAttribute(ATTRIBUTE).orElse(null);
            return value instanceof MicronautRequestView ? (MicronautRequestView) value : null;
        } catch (RuntimeException | LinkageError e) {
            analytics.reportTrackingFailure(e);
            return null;
        }
    }
}
