package dev.apianalytics.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small Spring Boot API that records its traffic with API Analytics: the starter on the class
 * path and {@code api-analytics.api-key} in application.properties are all it takes. Run it with
 * {@code API_ANALYTICS_KEY=<key> mvn -pl examples/spring-boot spring-boot:run}; it posts to the
 * collector at {@code http://localhost:8421} unless {@code api-analytics.server-url} says otherwise.
 */
@SpringBootApplication
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
