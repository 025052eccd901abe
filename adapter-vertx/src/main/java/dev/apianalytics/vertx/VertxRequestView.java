package dev.apianalytics.vertx;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.RequestView;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/** One request in flight: the view that mappers read, and the end handler that records it. */
final class VertxRequestView implements RequestView, Handler<AsyncResult<Void>> {

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

    @Override
    public String remoteAddress() {
        SocketAddress remote = request.remoteAddress();
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
