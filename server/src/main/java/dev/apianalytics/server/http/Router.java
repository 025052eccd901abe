package dev.apianalytics.server.http;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The collector's routing table. A pattern is a path whose segments may be {@code {name}} (one
 * segment, read with {@link Exchange#pathParameter}) and whose last segment may be {@code *}
 * (the rest of the path, read as {@code pathParameter("*")}). Literal routes win over patterns,
 * patterns over {@code *}. HEAD falls back to GET. Every failure becomes a JSON error body:
 * an {@link ApiException} its status, anything else a 500 that is logged (without the request's
 * headers or body, so no key reaches a log). Every answer carries the browser security headers
 * and, under {@code /api/}, the CORS headers.
 */
public final class Router {

    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private Decorator decorator = (method, pattern, handler) -> handler;

    public Router get(String pattern, Handler handler) {
        return add("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return add("POST", pattern, handler);
    }

    public Router put(String pattern, Handler handler) {
        return add("PUT", pattern, handler);
    }

    public Router delete(String pattern, Handler handler) {
        return add("DELETE", pattern, handler);
    }

    /** Wraps a route's handler (metrics count answers per route this way); sees the route it serves. */
    @FunctionalInterface
    public interface Decorator {
        Handler wrap(String method, String pattern, Handler handler);
    }

    /** Wraps every route's handler with {@code decorator}, those registered so far and those to come. */
    public synchronized void decorate(Decorator decorator) {
        Decorator previous = this.decorator;
        this.decorator = (method, pattern, handler) -> decorator.wrap(method, pattern, previous.wrap(method, pattern, handler));
        routes.replaceAll(route -> new Route(route.method, route.pattern, decorator.wrap(route.method, route.pattern, route.handler)));
    }

    /** Registers {@code handler} for {@code method} on {@code pattern}; a duplicate route is a programming error. */
    public synchronized Router add(String method, String pattern, Handler handler) {
        String upper = method.toUpperCase(Locale.ROOT);
        Route route = new Route(upper, pattern, decorator.wrap(upper, pattern, handler));
        for (Route existing : routes) {
            if (existing.method.equals(route.method) && existing.pattern.equals(route.pattern)) {
                throw new IllegalStateException("route registered twice: " + method + " " + pattern);
            }
        }
        routes.add(route);
        return this;
    }

    /** Answers one request on a Jetty worker thread; always completes {@code callback}. */
    void handle(Request request, Response response, Callback callback, BodyPace pace) {
        ResponseHeaders.apply(request, response.getHeaders());
        Exchange exchange = new Exchange(request, response, pace, Map.of());
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String path = Request.getPathInContext(request);
        try {
            requireUri(request);
            Match match = find(method, path);
            if (match == null && method.equals("HEAD")) {
                match = find("GET", path);
            }
            if (match == null) {
                TreeSet<String> allowed = allowedMethods(path);
                if (allowed.isEmpty()) {
                    throw new ApiException(404, "no such endpoint: " + method + " " + path);
                }
                if (method.equals("OPTIONS")) {
                    preflight(exchange, allowed);
                    callback.succeeded();
                    return;
                }
                throw new ApiException(405, method + " is not allowed on " + path + "; use " + String.join(", ", allowed),
                        Map.of("Allow", String.join(", ", allowed)));
            }
            exchange = new Exchange(request, response, pace, match.parameters);
            match.route.handler.handle(exchange);
            if (!exchange.responded()) {
                throw new IllegalStateException("handler for " + match.route.pattern + " sent no response");
            }
            callback.succeeded();
        } catch (ApiException e) {
            answer(exchange, callback, e.status(), e.getMessage(), e.headers());
        } catch (StorageUnavailable e) {
            LOG.log(System.Logger.Level.WARNING, "storage unavailable: " + e.getMessage());
            answer(exchange, callback, 503, "storage is unavailable, try again later", Map.of("Retry-After", "5"));
        } catch (IOException e) {
            // the client went away mid-request: nothing left to answer
            callback.failed(e);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "internal error on " + method + " " + path, e);
            answer(exchange, callback, 500, "internal error", Map.of());
        }
    }

    /** Refuses a request target that {@link URI} would not parse, as the collector always has. */
    private static void requireUri(Request request) {
        String target = request.getHttpURI().getPathQuery();
        try {
            new URI(target);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("the request target is not a valid URI: " + e.getReason());
        }
    }

    private static void preflight(Exchange exchange, TreeSet<String> allowed) throws IOException {
        exchange.setHeader("Allow", String.join(", ", allowed));
        exchange.setHeader("Access-Control-Allow-Origin", "*");
        exchange.setHeader("Access-Control-Allow-Methods", String.join(", ", allowed));
        exchange.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, X-AUTH-TOKEN, API-Key, Idempotency-Key");
        exchange.setHeader("Access-Control-Max-Age", "600");
        exchange.send(204, "text/plain", new byte[0]);
    }

    private static void answer(Exchange exchange, Callback callback, int status, String message, Map<String, String> headers) {
        if (exchange.responded()) {
            // the status went out already: cutting the connection is the only way left to say it failed
            callback.failed(new IOException("failed after the response started: " + message));
            return;
        }
        try {
            headers.forEach(exchange::setHeader);
            exchange.sendError(status, message);
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        }
    }

    private Match find(String method, String path) {
        String[] segments = split(path);
        Match best = null;
        for (Route route : routes) {
            if (!route.method.equals(method)) {
                continue;
            }
            Map<String, String> parameters = route.match(segments);
            if (parameters != null && (best == null || route.rank < best.route.rank)) {
                best = new Match(route, parameters);
            }
        }
        return best;
    }

    private TreeSet<String> allowedMethods(String path) {
        String[] segments = split(path);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            if (route.match(segments) != null) {
                allowed.add(route.method);
                if (route.method.equals("GET")) {
                    allowed.add("HEAD");
                }
            }
        }
        return allowed;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    private record Match(Route route, Map<String, String> parameters) {}

    private static final class Route {
        final String method;
        final String pattern;
        final Handler handler;
        final String[] segments;
        final int rank;

        Route(String method, String pattern, Handler handler) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
            }
            this.method = method;
            this.pattern = pattern;
            this.handler = handler;
            this.segments = split(pattern);
            boolean wildcard = segments.length > 0 && segments[segments.length - 1].equals("*");
            boolean parameters = pattern.contains("{");
            this.rank = wildcard ? 2 : parameters ? 1 : 0;
        }

        Map<String, String> match(String[] path) {
            boolean wildcard = rank == 2;
            int fixed = wildcard ? segments.length - 1 : segments.length;
            if (wildcard ? path.length < fixed : path.length != fixed) {
                return null;
            }
            Map<String, String> parameters = null;
            for (int i = 0; i < fixed; i++) {
                String expected = segments[i];
                if (expected.startsWith("{") && expected.endsWith("}")) {
                    if (path[i].isEmpty()) {
                        return null;
                    }
                    if (parameters == null) {
                        parameters = new HashMap<>();
                    }
                    parameters.put(expected.substring(1, expected.length() - 1), path[i]);
                } else if (!expected.equals(path[i])) {
                    return null;
                }
            }
            if (wildcard) {
                if (parameters == null) {
                    parameters = new HashMap<>();
                }
                parameters.put("*", String.join("/", new ArrayList<>(List.of(path)).subList(fixed, path.length)));
            }
            return parameters == null ? Map.of() : parameters;
        }
    }
}
