package dev.apianalytics.quarkus;

import dev.apianalytics.core.Config;

/**
 * The earlier name of {@link Config.Customizer}, kept so that existing beans still apply.
 *
 * @deprecated implement {@link Config.Customizer} instead
 */
@Deprecated
@FunctionalInterface
public interface ApiAnalyticsCustomizer extends Config.Customizer {}
