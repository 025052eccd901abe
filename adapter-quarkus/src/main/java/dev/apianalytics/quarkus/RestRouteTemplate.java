package dev.apianalytics.quarkus;

import dev.apianalytics.core.internal.SettingNames;
import io.quarkus.arc.properties.UnlessBuildProperty;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;
import org.jboss.resteasy.reactive.server.mapping.URITemplate;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Tells the analytics filter which Quarkus REST method matched, as a template such as
 * {@code /users/{id}}. Quarkus REST runs it for matched requests only, so unmatched paths
 * carry no template. Without Quarkus REST on the class path it is never loaded.
 */
@Provider
// switched off (api-analytics.enabled=false when the application is built): no filter either
@UnlessBuildProperty(name = "api-analytics." + SettingNames.SWITCH, stringValue = "false", enableIfMissing = true)
public final class RestRouteTemplate implements ContainerRequestFilter {

    private static final int MAX_CACHED = 10_000;
    // per instance, one per application start: a static map would keep, across dev mode's restarts,
    // the methods of every earlier start and with them the class loaders of its application classes
    private final Map<RuntimeResource, Template> templates = new ConcurrentHashMap<>();

    /** A method's template, and the path prefix it was worked out under. */
    private record Template(String prefix, String value) {}

    @Override
    public void filter(ContainerRequestContext requestContext) {
        try {
            if (!(requestContext instanceof ResteasyReactiveContainerRequestContext)) {
                return;
            }
            var context = ((ResteasyReactiveContainerRequestContext) requestContext).getServerRequestContext();
            if (!(context instanceof ResteasyReactiveRequestContext)) {
                return;
            }
            ResteasyReactiveRequestContext rest = (ResteasyReactiveRequestContext) context;
            RuntimeResource target = rest.getTarget();
            RoutingContext routing = rest.unwrap(RoutingContext.class);
            if (target == null || routing == null) {
                return;
            }
            routing.put(QuarkusRequestView.ROUTE_KEY, template(target, rest.getPath(), rest.getPathWithoutPrefix()));
        } catch (RuntimeException | LinkageError e) {
            // an internal API changed: requests are recorded without a template
        }
    }

    /**
     * The matched method's template under the application's path prefix, worked out once per
     * method and prefix: per request it costs a map lookup and a comparison, no new string.
     */
    private String template(RuntimeResource target, String path, String withoutPrefix) {
        int prefixLength = path != null && withoutPrefix != null && path.endsWith(withoutPrefix)
                ? path.length() - withoutPrefix.length()
                : 0;
        Template known = templates.get(target);
        if (known == null || known.prefix().length() != prefixLength || (prefixLength > 0 && !path.startsWith(known.prefix()))) {
            String prefix = prefixLength == 0 ? "" : path.substring(0, prefixLength);
            URITemplate classPath = target.getClassPath();
            URITemplate methodPath = target.getPath();
            known = new Template(prefix, normalize(prefix + (classPath == null ? "" : classPath.template)
                    + (methodPath == null ? "" : methodPath.template)));
            if (templates.size() < MAX_CACHED) {
                templates.put(target, known);
            }
        }
        return known.value();
    }

    /** {@code //users/{id: [0-9]+}/} becomes {@code /users/{id}}. */
    static String normalize(String raw) {
        String template = raw.replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}").replaceAll("/{2,}", "/");
        if (template.isEmpty()) {
            return "/";
        }
        return template.length() > 1 && template.endsWith("/") ? template.substring(0, template.length() - 1) : template;
    }
}
