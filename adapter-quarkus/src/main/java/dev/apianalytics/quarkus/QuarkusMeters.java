package dev.apianalytics.quarkus;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.micrometer.ApiAnalyticsMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;

/**
 * With Quarkus Micrometer, binds the uploader's figures to the application's {@link MeterRegistry}.
 * Not a bean: a producer of Micrometer types would break bean discovery in applications without
 * Micrometer, so the filter calls {@link #bindIfPresent} and only then are Micrometer's types loaded.
 */
final class QuarkusMeters {

    private QuarkusMeters() {}

    static void bindIfPresent(ApiAnalytics analytics) {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, QuarkusMeters.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError noMicrometer) {
            return;
        }
        Binding.bind(analytics);
    }

    /** Loaded only when Micrometer is on the class path. */
    private static final class Binding {

        static void bind(ApiAnalytics analytics) {
            try (InstanceHandle<MeterRegistry> registry = Arc.container().instance(MeterRegistry.class)) {
                if (registry.isAvailable()) {
                    new ApiAnalyticsMetrics(analytics).bindTo(registry.get());
                }
            }
        }
    }
}
