package dev.apianalytics.micronaut;

import dev.apianalytics.core.Config;

/**
 * A bean that adjusts the configuration read from {@code api-analytics.*} before analytics
 * starts, typically to set mappers:
 *
 * <pre>
 * &#64;Singleton
 * class AnalyticsMappers implements ApiAnalyticsCustomizer {
 *     public void customize(Config.Builder config) {
 *         config.getIpAddress(RequestMapper.forwardedFor())
 *               .getUserId(RequestMapper.header("X-User-Id"));
 *     }
 * }
 * </pre>
 *
 * Customizers run in their {@code Ordered} order, after any {@code RequestMapper} beans named
 * {@code getPath}, {@code getIpAddress}, {@code getHostname}, {@code getUserAgent} or {@code getUserId}
 * have been applied.
 */
@FunctionalInterface
public interface ApiAnalyticsCustomizer {

    /** Changes what is needed; the builder already holds the application's settings. */
    void customize(Config.Builder config);
}
