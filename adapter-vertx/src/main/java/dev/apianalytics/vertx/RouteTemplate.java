package dev.apianalytics.vertx;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The template of the route that handled a request, written {@code /users/{id}} as other adapters do. */
final class RouteTemplate {

    private static final int MAX_CACHED = 10_000;
    private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private RouteTemplate() {}

    /** The template, or {@code null} when no path route handled the request (404s, regex routes). */
    static String of(RoutingContext ctx) {
        String template = of(ctx.currentRoute(), ctx.mountPoint());
        return template == null && ctx.failed() ? ofFailed(ctx) : template;
    }

    /**
     * A failure restarts routing from the first route, so the route that failed is no longer
     * current: find the first exact path route that matches the request, as Vert.x did.
     */
    private static String ofFailed(RoutingContext ctx) {
        try {
            if (!(ctx instanceof RoutingContextInternal)) {
                return null;
            }
            String mountPoint = ctx.mountPoint();
            String path = ctx.normalizedPath();
            if (mountPoint != null && mountPoint.length() > 1 && path.startsWith(mountPoint)) {
                path = path.substring(mountPoint.length() - (mountPoint.endsWith("/") ? 1 : 0));
            }
            HttpMethod method = ctx.request().method();
            for (Route route : ((RoutingContextInternal) ctx).currentRouter().getRoutes()) {
                Set<HttpMethod> methods = route.methods();
                if (route.getPath() != null && route.isExactPath() && route.getSubRouter() == null
                        && (methods == null || methods.isEmpty() || methods.contains(method))
                        && pattern(route.getPath()).matcher(path).matches()) {
                    return of(route, mountPoint);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // internal API changed: the failed request is recorded without a template
        }
        return null;
    }

    private static String of(Route route, String mountPoint) {
        if (route == null || route.getPath() == null || route.getSubRouter() != null) {
            return null;
        }
        String path = route.isExactPath() ? route.getPath() : route.getPath() + '*';
        if (mountPoint != null && mountPoint.length() > 1) {
            path = mountPoint.endsWith("/") && path.startsWith("/") ? mountPoint + path.substring(1) : mountPoint + path;
        }
        String template = TEMPLATES.get(path);
        if (template == null) {
            template = braces(path);
            if (TEMPLATES.size() < MAX_CACHED) {
                TEMPLATES.put(path, template);
            }
        }
        return template;
    }

    /** {@code /users/:id} becomes {@code /users/{id}}. */
    static String braces(String vertxPath) {
        if (vertxPath.indexOf(':') < 0) {
            return vertxPath;
        }
        StringBuilder out = new StringBuilder(vertxPath.length() + 4);
        int i = 0;
        while (i < vertxPath.length()) {
            int end = i + 1;
            if (vertxPath.charAt(i) != ':') {
                out.append(vertxPath.charAt(i));
            } else {
                while (end < vertxPath.length() && isNameChar(vertxPath.charAt(end))) {
                    end++;
                }
                out.append('{').append(vertxPath, i + 1, end).append('}');
            }
            i = end;
        }
        return out.toString();
    }

    /** A path such as {@code /users/:id} as a regular expression, tolerating a trailing slash as Vert.x does. */
    static Pattern pattern(String vertxPath) {
        Pattern pattern = PATTERNS.get(vertxPath);
        if (pattern == null) {
            String regex = Pattern.quote(vertxPath).replaceAll(":[A-Za-z0-9_]+", "\\\\E[^/]+\\\\Q");
            pattern = Pattern.compile(vertxPath.endsWith("/") ? regex : regex + "/?");
            if (PATTERNS.size() < MAX_CACHED) {
                PATTERNS.put(vertxPath, pattern);
            }
        }
        return pattern;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
