package dev.apianalytics.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * A Spring Boot application with every auto-configuration on its class path (Actuator included)
 * finds the starter through {@code AutoConfiguration.imports}, needs nothing but the key and the
 * collector's URL, and exposes the uploader's figures (records by outcome, posts and their
 * time by outcome) as meters and over JMX.
 */
class StarterTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(MvcTestApp.Endpoints.class)
    static class App {}

    @Test
    void aBootApplicationRecordsWithOnePropertyAndCountsItsRecords() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            ConfigurableApplicationContext context = SpringApps.start(App.class, WebApplicationType.SERVLET, null,
                    "api-analytics.api-key=" + AbstractConformanceTest.API_KEY,
                    "api-analytics.server-url=" + collector.url(), "api-analytics.flush-interval=50ms");
            try {
                HttpClient client = HttpClient.newHttpClient();
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create(SpringApps.baseUrl(context) + "/users/" + i)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.body()).isEqualTo(String.valueOf(i));
                }
                collector.awaitRecords(3, Duration.ofSeconds(10));
                ApiAnalytics analytics = context.getBean(ApiAnalytics.class);
                assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
                assertThat(collector.records()).extracting(RecordedRequest::route).containsOnly("/users/{id}");

                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(count(registry, "enqueued")).isEqualTo(3);
                assertThat(count(registry, "sent")).isEqualTo(3);
                assertThat(count(registry, "failed")).isZero();
                assertThat(count(registry, "dropped")).isZero();
                assertThat(registry.get("api_analytics.records.dropped").tag("reason", "queue_full").functionCounter().count()).isZero();
                assertThat(registry.get("api_analytics.retries").functionCounter().count()).isZero();
                assertThat(registry.get("api_analytics.queue.size").gauge().value()).isZero();
                assertThat(registry.get("api_analytics.queue.capacity").gauge().value())
                        .isEqualTo(Config.builder().build().queueCapacity());
                // one accepted post per batch the collector took: how many depends on the 50 ms timer
                int batches = collector.batches().size();
                assertThat(posts(registry, "accepted").count()).isEqualTo(batches);
                assertThat(posts(registry, "accepted").totalTime(TimeUnit.NANOSECONDS)).isPositive();
                assertThat(posts(registry, "refused").count()).isZero();

                // a collector that refuses the key: the next record's post is refused, once, and not retried
                collector.respondWith(401);
                client.send(HttpRequest.newBuilder(URI.create(SpringApps.baseUrl(context) + "/users/3")).build(),
                        HttpResponse.BodyHandlers.discarding());
                await().atMost(Duration.ofSeconds(10)).until(() -> analytics.stats().failed() == 1);
                assertThat(posts(registry, "refused").count()).isEqualTo(1);
                assertThat(posts(registry, "accepted").count()).isEqualTo(batches);
                assertThat(posts(registry, "retry").count()).isZero();
                assertThat(posts(registry, "error").count()).isZero();
                assertThat(count(registry, "failed")).isEqualTo(1);

                MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
                // every other test's application is closed by now, and closing unregisters
                ObjectName name = new ObjectName("dev.apianalytics:type=ApiAnalytics,name=" + analytics.framework());
                assertThat(jmx.getAttribute(name, "RecordsSent")).isEqualTo(3L);
                assertThat(jmx.getAttribute(name, "RecordsEnqueued")).isEqualTo(4L);
                assertThat(jmx.getAttribute(name, "RecordsFailed")).isEqualTo(1L);
                assertThat(jmx.getAttribute(name, "RecordsDropped")).isEqualTo(0L);
                assertThat(jmx.getAttribute(name, "QueueSize")).isEqualTo(0);
                assertThat(jmx.getAttribute(name, "Posts")).isEqualTo(batches + 1L);
                assertThat((Double) jmx.getAttribute(name, "LastPostMillis")).isPositive();
                assertThat((Double) jmx.getAttribute(name, "MeanPostMillis")).isPositive();
            } finally {
                context.close();
            }
            assertThat(collector.records()).hasSize(3);
        }
    }

    private static FunctionTimer posts(MeterRegistry registry, String outcome) {
        return registry.get("api_analytics.post.duration").tag("outcome", outcome)
                .tag("framework", ApiAnalyticsAutoConfiguration.Servlet.FRAMEWORK).functionTimer();
    }

    private static double count(MeterRegistry registry, String outcome) {
        return registry.get("api_analytics.records").tag("outcome", outcome)
                .tag("framework", ApiAnalyticsAutoConfiguration.Servlet.FRAMEWORK).functionCounter().count();
    }
}
