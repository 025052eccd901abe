package dev.apianalytics.quarkus;

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
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** One request in flight: the view that mappers read, and the end handler that records it. */
final class QuarkusRequestView implements RequestView, Handler<AsyncResult<Void>> {

    private static final CharSequence FORWARDED = HttpHeaders.createOptimized("Forwarded");
    private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
    private static final Pattern COLON_PARAMETER = Pattern.compile(":([A-Za-z0-9_]+)");
    private static final int MAX_CACHED = 10_000;
    private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

    /** Where {@link RestRouteTemplate} leaves the Quarkus REST template of the matched method. */
    static final String ROUTE_KEY = "dev.apianalytics.quarkus.route";

    private final ApiAnalytics analytics;
    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final long startNanos;
    private final long startMillis;

    QuarkusRequestView(ApiAnalytics analytics, RoutingContext ctx, long startNanos, long startMillis) {
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

    /** {@code /users/:id} as {@code /users/{id}}, converted once per route rather than once per request. */
    static String braces(String vertxPath) {
        String template = TEMPLATES.get(vertxPath);
        if (template == null) {
            template = COLON_PARAMETER.matcher(vertxPath).replaceAll("{$1}");
            if (TEMPLATES.size() < MAX_CACHED) { // routes are few; the bound only guards against a surprise
                TEMPLATES.put(vertxPath, template);
            }
        }
        return template;
    }

    /** Quarkus REST's template, else the path of a plain Vert.x route (never a catch-all's prefix). */
    private String route() {
        try {
            Object rest = ctx.get(ROUTE_KEY);
            if (rest instanceof String) {
                return (String) rest;
            }
            Route route = ctx.currentRoute();
            return route != null && route.getPath() != null && route.isExactPath() ? braces(route.getPath()) : null;
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

    /**
     * The client as Quarkus sees it. Vert.x Web answers {@code remoteAddress()} by working out
     * scheme, host and address from forwarded headers first, and Quarkus's own forwarding (when
     * switched on) reads them too; without such a header the answer is the connection's peer
     * either way, so it is read there.
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
        if (type.isInstance(ctx)) {
            return type.cast(ctx);
        }
        if (type.isInstance(request)) {
            return type.cast(request);
        }
        throw new IllegalArgumentException("A Quarkus request unwraps to RoutingContext or HttpServerRequest, not " + type.getName());
    }
}
