package dev.apianalytics.vertx;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.RequestView;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/** One request in flight: the view that mappers read, and the end handler that records it. */
final class VertxRequestView implements RequestView, Handler<AsyncResult<Void>> {

    private static final CharSequence FORWARDED = HttpHeaders.createOptimized("Forwarded");
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");

    private final ApiAnalytics analytics;
    private final HttpServerRequest request;
    private final long startNanos;
    private final long startMillis;
    private volatile RoutingContext routing;

    VertxRequestView(ApiAnalytics analytics, RoutingContext routing, long startNanos, long startMillis) {
        this.analytics = analytics;
        this.routing = routing;
        this.request = routing.request();
        this.startNanos = startNanos;
        this.startMillis = startMillis;
    }

    /** The innermost routing context seen, whose current route is the one that handled the request. */
    void routedBy(RoutingContext ctx) {
        routing = ctx;
    }

    /** Called once the response has ended or the connection closed before it could. */
    @Override
    public void handle(AsyncResult<Void> ended) {
        analytics.record(this, request.response().getStatusCode(), RouteTemplate.of(routing), startNanos, startMillis);
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

    /**
     * The client as the router sees it. Vert.x Web answers {@code remoteAddress()} by working out
     * scheme, host and address from forwarded headers first, about a microsecond; without such a
     * header the answer is the connection's peer whatever the router allows, so it is read there.
     */
    @Override
    public String remoteAddress() {
        MultiMap headers = request.headers();
        HttpConnection connection = request.connection();
        SocketAddress remote = connection == null || headers.contains(FORWARDED) || headers.contains(X_FORWARDED_FOR)
                ? request.remoteAddress() : connection.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(routing)) {
            return type.cast(routing);
        }
        if (type.isInstance(request)) {
            return type.cast(request);
        }
        throw new IllegalArgumentException("A Vert.x request unwraps to RoutingContext or HttpServerRequest, not " + type.getName());
    }
}
