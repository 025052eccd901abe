package dev.apianalytics.spring;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.internal.SettingNames;
import dev.apianalytics.core.micrometer.ApiAnalyticsMetrics;
import dev.apianalytics.servlet.ApiAnalyticsFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Records every request of a Spring MVC or WebFlux application once {@code api-analytics.api-key}
 * is set (and {@code api-analytics.enabled} is not {@code false}). The {@link Config} is read from
 * the {@code api-analytics.*} properties and adjusted by {@link Config.Customizer} beans; an
 * application's own {@link Config} bean replaces it. One {@link ApiAnalytics} bean per context
 * is closed, and so flushed, when the context closes.
 */
@AutoConfiguration
@ConditionalOnWebApplication
@ConditionalOnProperty(prefix = "api-analytics", name = SettingNames.SWITCH, havingValue = "true", matchIfMissing = true)
@ConditionalOnProperty(prefix = "api-analytics", name = "api-key")
public final class ApiAnalyticsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Config apiAnalyticsConfig(Environment environment, ObjectProvider<Config.Customizer> customizers) {
        return SpringSettings.config(environment, customizers);
    }

    /**
     * For servlet applications (Spring MVC on Tomcat, Jetty or Undertow): the servlet adapter's
     * filter, outermost, so that the time and status include every other filter's work.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(ApiAnalyticsFilter.class)
    static class Servlet {

        /** The name sent to the collector for Spring MVC applications. */
        static final String FRAMEWORK = "Spring MVC";

        // closed by its inferred close() method when the context is destroyed: after the web
        // server has stopped and finished its requests, so their records are sent too
        @Bean
        @ConditionalOnMissingBean
        ApiAnalytics apiAnalytics(Config config) {
            return ApiAnalytics.create(config, FRAMEWORK);
        }

        @Bean
        FilterRegistrationBean<ApiAnalyticsFilter> apiAnalyticsFilter(ApiAnalytics analytics) {
            FilterRegistrationBean<ApiAnalyticsFilter> registration =
                    new FilterRegistrationBean<>(new ApiAnalyticsFilter(analytics));
            registration.setName("apiAnalyticsFilter");
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            registration.setAsyncSupported(true);
            registration.addUrlPatterns("/*");
            return registration;
        }
    }

    /**
     * The uploader's meters, where the application has Micrometer: Spring Boot Actuator binds
     * every {@code MeterBinder} bean to its registries. Without Micrometer, the JMX MXBean that
     * every {@link ApiAnalytics} registers carries the same figures.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean
        ApiAnalyticsMetrics apiAnalyticsMetrics(ApiAnalytics analytics) {
            return new ApiAnalyticsMetrics(analytics);
        }
    }

    /** For reactive applications (WebFlux on Netty, or any server Spring WebFlux runs on). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class Reactive {

        @Bean
        @ConditionalOnMissingBean
        ApiAnalytics apiAnalytics(Config config) {
            return ApiAnalytics.create(config, ApiAnalyticsWebFilter.FRAMEWORK);
        }

        @Bean
        ApiAnalyticsWebFilter apiAnalyticsWebFilter(ApiAnalytics analytics) {
            return new ApiAnalyticsWebFilter(analytics);
        }
    }
}
