package dev.apianalytics.quarkus;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.internal.SettingNames;
import io.quarkus.arc.properties.UnlessBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Records every HTTP request a Quarkus application serves: Quarkus REST, reactive routes and
 * plain Vert.x routes alike. Adding the dependency and setting {@code api-analytics.api-key}
 * in application.properties is all it takes; see {@link ApiAnalyticsSettings} for the other
 * settings and {@link ApiAnalyticsCustomizer} for mappers.
 *
 * <p>It is a Vert.x route filter registered ahead of the application's handlers, so a request
 * is timed from its arrival until its response is complete or its connection closed. Quarkus
 * REST route templates ({@code /users/{id}}) are recorded; records are flushed on shutdown.
 * {@code api-analytics.enabled=false}, a build-time property, leaves the filter out altogether.
 */
@Singleton
// switched off (api-analytics.enabled=false when the application is built): no bean, no filter
@UnlessBuildProperty(name = "api-analytics." + SettingNames.SWITCH, stringValue = "false", enableIfMissing = true)
public final class ApiAnalyticsFilter {

    /** The name sent to the collector. */
    public static final String FRAMEWORK = "Quarkus";

    /** Ahead of Quarkus's own filters (CORS, security), so their time is measured too. */
    static final int PRIORITY = 10_000;

    private final ApiAnalytics analytics;

    @Inject
    ApiAnalyticsFilter(ApiAnalyticsSettings settings) {
        this(ApiAnalytics.create(settings.config(), FRAMEWORK));
    }

    ApiAnalyticsFilter(ApiAnalytics analytics) {
        this.analytics = analytics;
    }

    /** The running analytics, for {@code flush} and {@code stats}. */
    public ApiAnalytics analytics() {
        return analytics;
    }

    void register(@Observes Filters filters) {
        if (analytics.enabled()) {
            filters.register(this::track, PRIORITY);
        }
    }

    /** With Quarkus Micrometer, the uploader's figures are meters of the application's registry. */
    void bindMeters(@Observes StartupEvent event) {
        if (analytics.enabled()) {
            QuarkusMeters.bindIfPresent(analytics);
        }
    }

    void flushOnShutdown(@Observes ShutdownEvent event) {
        analytics.close();
    }

    /** The route filter: starts the timing and records the request when it ends. */
    void track(RoutingContext ctx) {
        try {
            if (analytics.tracks(ctx.request().path())) {
                ctx.addEndHandler(new QuarkusRequestView(analytics, ctx, System.nanoTime(), System.currentTimeMillis()));
            }
        } catch (RuntimeException | LinkageError e) {
            analytics.reportTrackingFailure(e);
        }
        ctx.next();
    }
}
