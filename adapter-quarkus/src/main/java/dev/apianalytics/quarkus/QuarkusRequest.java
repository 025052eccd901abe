package dev.apianalytics.quarkus;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.RequestView;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/** One request in flight: the view that mappers read, and the end handler that records it. */
final class QuarkusRequest implements RequestView, Handler<AsyncResult<Void>> {

    /** Where {@link RestRouteTemplate} leaves the Quarkus REST template of the matched method. */
    static final String ROUTE_KEY = "dev.apianalytics.quarkus.route";

    private final ApiAnalytics analytics;
    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final long startNanos;
    private final long startMillis;

    QuarkusRequest(ApiAnalytics analytics, RoutingContext ctx, long startNanos, long startMillis) {
        this.analytics = analytics;
        this.ctx = ctx;
        this.request = ctx.request();
        this.startNanos = startNanos;
        this.startMillis = startMillis;
    }

    @Override
    public void handle(AsyncResult<Void> ended) {
        analytics.record(this, request.response().getStatusCode(), route(), startNanos, startMillis);
    }

    /** Quarkus REST's template, else the path of a plain Vert.x route (never a catch-all's prefix). */
    private String route() {
        try {
            Object rest = ctx.get(ROUTE_KEY);
            if (rest instanceof String) {
                return (String) rest;
            }
            Route route = ctx.currentRoute();
            return route != null && route.getPath() != null && route.isExactPath()
                    ? route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}")
                    : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return request.path();
    }

    @Override
    public String host() {
        String host = request.getHeader("Host");
        if (host != null) {
            return host;
        }
        HostAndPort authority = request.authority();
        if (authority == null) {
            return "";
        }
        return authority.port() < 0 ? authority.host() : authority.host() + ':' + authority.port();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String remoteAddress() {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(ctx)) {
            return type.cast(ctx);
        }
        if (type.isInstance(request)) {
            return type.cast(request);
        }
        throw new IllegalArgumentException("A Quarkus request unwraps to RoutingContext or HttpServerRequest, not " + type.getName());
    }
}
