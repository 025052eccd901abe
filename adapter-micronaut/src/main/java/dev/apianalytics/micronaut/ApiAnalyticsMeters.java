package dev.apianalytics.micronaut;

import dev.apianalytics.core.micrometer.ApiAnalyticsMetrics;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * With Micronaut Micrometer, the uploader's figures as meters: a {@code MeterBinder} bean, which
 * Micronaut binds to the application's {@code MeterRegistry} when it creates it. Without
 * Micrometer on the class path this factory is skipped before any of its types is loaded.
 */
@Factory
@Requires(classes = io.micrometer.core.instrument.binder.MeterBinder.class)
@Requires(property = ApiAnalyticsSetup.ENABLED, notEquals = "false")
final class ApiAnalyticsMeters {

    @Singleton
    ApiAnalyticsMetrics apiAnalyticsMetrics(ApiAnalyticsFilter filter) {
        return new ApiAnalyticsMetrics(filter.analytics());
    }
}
