package dev.apianalytics.examples.spring;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.servlet.ApiAnalyticsFilter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * A small Spring Boot API that records its traffic with API Analytics. Run it with
 * {@code API_ANALYTICS_KEY=<key> mvn -pl examples/servlet-spring-boot spring-boot:run}; it
 * posts to the collector at {@code http://localhost:8421} unless {@code api-analytics.server-url} says otherwise.
 */
@SpringBootApplication
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    @Bean
    FilterRegistrationBean<ApiAnalyticsFilter> apiAnalytics(
            @Value("${api-analytics.api-key:}") String apiKey,
            @Value("${api-analytics.server-url:" + Config.DEFAULT_SERVER_URL + "}") String serverUrl,
            @Value("${api-analytics.privacy-level:0}") int privacyLevel) {
        Config config = Config.builder(apiKey)
                .serverUrl(serverUrl)
                .privacyLevel(privacyLevel)
                .ipAddress(RequestMapper.forwardedFor()) // behind a trusted proxy
                .userId(RequestMapper.header("X-User-Id"))
                .build();
        FilterRegistrationBean<ApiAnalyticsFilter> registration = new FilterRegistrationBean<>(new ApiAnalyticsFilter(config));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // outermost, so the whole request is timed
        return registration;
    }
}
