package dev.apianalytics.spring;

import dev.apianalytics.core.ApiAnalytics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Records every request of a WebFlux application once its response is complete: written to the
 * end (streamed bodies included), failed, or cancelled by the client. Runs first among the web
 * filters; the route is the handler's matched {@link PathPattern}.
 *
 * <p>An exception that escapes the handler is answered later by the error handlers, outside every
 * web filter: it is recorded with its own status when it carries one (a
 * {@code ResponseStatusException}, a missing resource's 404), else as 500.
 *
 * <p>The record is made when the exchange's completion reaches this filter, which on Netty can be
 * just after the client has read the whole response. So that a request finishing as the
 * application stops is not lost, the filter, destroyed before the {@link ApiAnalytics} it records
 * into, waits up to {@link #RECORDING_GRACE} for the exchanges it has seen start to be recorded.
 */
public final class ApiAnalyticsWebFilter implements WebFilter, Ordered, DisposableBean {

    /** The name sent to the collector. */
    public static final String FRAMEWORK = "Spring WebFlux";

    /** The longest the filter waits at shutdown for exchanges still to be recorded. */
    static final Duration RECORDING_GRACE = Duration.ofSeconds(2);

    private final ApiAnalytics analytics;
    private final AtomicInteger unrecorded = new AtomicInteger();

    /** Records into {@code analytics}, which the caller owns and closes. */
    public ApiAnalyticsWebFilter(ApiAnalytics analytics) {
        this.analytics = Objects.requireNonNull(analytics, "analytics must not be null");
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!analytics.tracks(exchange.getRequest().getPath().value())) {
            return chain.filter(exchange);
        }
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        // doFinally runs exactly once per subscription, whichever way the exchange ends
        Failure failure = new Failure();
        return chain.filter(exchange)
                .doOnSubscribe(subscription -> unrecorded.incrementAndGet())
                .doOnError(failure::set)
                .doFinally(signal -> {
                    try {
                        record(exchange, signal, failure.error, startNanos, startMillis);
                    } finally {
                        unrecorded.decrementAndGet();
                    }
                });
    }

    /** Waits, at most {@link #RECORDING_GRACE}, until every exchange that started has been recorded. */
    @Override
    public void destroy() {
        long deadline = System.nanoTime() + RECORDING_GRACE.toNanos();
        while (unrecorded.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private void record(ServerWebExchange exchange, SignalType signal, Throwable error, long startNanos, long startMillis) {
        try {
            analytics.record(new WebFluxRequestView(exchange.getRequest()), status(exchange, signal, error),
                    route(exchange), startNanos, startMillis);
        } catch (RuntimeException | LinkageError e) {
            analytics.reportTrackingFailure(e);
        }
    }

    private static int status(ServerWebExchange exchange, SignalType signal, Throwable error) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        if (signal == SignalType.ON_ERROR && !exchange.getResponse().isCommitted()) {
            return error instanceof ErrorResponse response ? response.getStatusCode().value() : 500;
        }
        return status == null ? 200 : status.value();
    }

    /** The matched pattern, such as {@code /users/{id}}; none for static resources' catch-all. */
    private static String route(ServerWebExchange exchange) {
        Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String route = pattern instanceof PathPattern path ? path.getPatternString()
                : pattern == null ? null : pattern.toString();
        return route == null || route.isEmpty() || "/**".equals(route) ? null : route;
    }

    /** The error the chain ended with, if any: read in {@code doFinally}, which is not told. */
    private static final class Failure {
        private Throwable error;

        void set(Throwable error) {
            this.error = error;
        }
    }
}
