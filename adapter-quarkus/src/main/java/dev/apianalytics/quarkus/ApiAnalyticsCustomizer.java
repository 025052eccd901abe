package dev.apianalytics.quarkus;

import dev.apianalytics.core.Config;

/**
 * A CDI bean that adjusts the configuration read from {@code api-analytics.*} before analytics
 * starts, typically to set mappers:
 *
 * <pre>
 * &#64;Singleton
 * public class AnalyticsMappers implements ApiAnalyticsCustomizer {
 *     public void customize(Config.Builder config) {
 *         config.getIpAddress(RequestMapper.forwardedFor())
 *               .getUserId(RequestMapper.header("X-User-Id"));
 *     }
 * }
 * </pre>
 *
 * Customizers run after any {@code RequestMapper} beans {@code @Named} {@code getPath},
 * {@code getIpAddress}, {@code getHostname}, {@code getUserAgent} or {@code getUserId} have been applied.
 */
@FunctionalInterface
public interface ApiAnalyticsCustomizer {

    /** Changes what is needed; the builder already holds the application's settings. */
    void customize(Config.Builder config);
}
