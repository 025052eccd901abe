package dev.apianalytics.spring.boot4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.testkit.AbstractConformanceTest;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The starter as published (compiled against Spring Boot 3.5) in a Spring Boot 4 application, on
 * Spring MVC (Tomcat) and WebFlux (Reactor Netty): found through {@code AutoConfiguration.imports}
 * with the key and the collector's URL alone, it records each request with its route and status,
 * binds its meters to Boot's Micrometer registry and flushes when the application closes.
 */
class Boot4StarterTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Users.class)
    static class App {}

    /** An annotated controller, which both stacks serve. */
    @RestController
    static class Users {
        @GetMapping("/users/{id}")
        String user(@PathVariable String id) {
            return id;
        }
    }

    @ParameterizedTest
    @CsvSource({"SERVLET, Spring MVC", "REACTIVE, Spring WebFlux"})
    void aBoot4ApplicationRecordsItsRequests(WebApplicationType type, String framework) throws Exception {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.");
        try (RecordingCollector collector = RecordingCollector.start()) {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(type).properties(
                    "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                    "api-analytics.api-key=" + AbstractConformanceTest.API_KEY,
                    "api-analytics.server-url=" + collector.url(), "api-analytics.flush-interval=1h").run();
            try {
                String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
                HttpClient client = HttpClient.newHttpClient();
                assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/users/7")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("7");
                assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/missing")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);

                // nothing leaves before a flush: the timer waits an hour
                ApiAnalytics analytics = context.getBean(ApiAnalytics.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> analytics.stats().enqueued() == 2);
                assertThat(collector.records()).isEmpty();
                assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
                List<RecordedRequest> records = collector.awaitRecords(2, Duration.ofSeconds(10)).stream()
                        .sorted(Comparator.comparing(RecordedRequest::path)).toList();
                assertThat(records).extracting(RecordedRequest::path).containsExactly("/missing", "/users/7");
                assertThat(records).extracting(RecordedRequest::status).containsExactly(404, 200);
                assertThat(records.get(1).route()).isEqualTo("/users/{id}");
                assertThat(records).extracting(RecordedRequest::framework).containsOnly(framework);

                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("api_analytics.records").tag("outcome", "sent").tag("framework", framework)
                        .functionCounter().count()).isEqualTo(2);
                assertThat(registry.get("api_analytics.post.duration").tag("outcome", "accepted").tag("framework", framework)
                        .functionTimer().count()).isEqualTo(1);
                assertThat(collector.batches()).hasSize(1);

                // queued after the flush: closing the application sends it
                client.send(HttpRequest.newBuilder(URI.create(base + "/users/8")).build(), HttpResponse.BodyHandlers.discarding());
                await().atMost(Duration.ofSeconds(10)).until(() -> analytics.stats().enqueued() == 3);
            } finally {
                context.close();
            }
            assertThat(collector.records()).extracting(RecordedRequest::path).contains("/users/8").hasSize(3);
        }
    }
}
