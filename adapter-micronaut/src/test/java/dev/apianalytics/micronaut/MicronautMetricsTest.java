package dev.apianalytics.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordingCollector;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With Micronaut Micrometer in the application, the uploader's meters are in its registry, with nothing to write. */
class MicronautMetricsTest {

    @Test
    void theUploadersMetersAreBoundToTheApplicationsRegistry() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start();
                ApplicationContext context = ApplicationContext.run(MicronautConformanceTest.properties(
                        Config.builder("6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f").serverUrl(collector.url())
                                .flushInterval(Duration.ofMillis(50)).flushOnShutdown(false).build()))) {
            String url = "http://127.0.0.1:" + context.getBean(EmbeddedServer.class).start().getPort();
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 3; i++) {
                assertThat(client.send(HttpRequest.newBuilder(URI.create(url + "/users/" + i)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            }
            collector.awaitRecords(3, Duration.ofSeconds(10));
            assertThat(context.getBean(ApiAnalyticsFilter.class).analytics().flush(Duration.ofSeconds(10))).isTrue();

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(records(registry, "enqueued")).isEqualTo(3);
            assertThat(records(registry, "sent")).isEqualTo(3);
            assertThat(records(registry, "failed")).isZero();
            assertThat(records(registry, "dropped")).isZero();
            assertThat(registry.get("api_analytics.queue.size").tag("framework", ApiAnalyticsFilter.FRAMEWORK).gauge().value()).isZero();
            FunctionTimer accepted = registry.get("api_analytics.post.duration").tag("outcome", "accepted")
                    .tag("framework", ApiAnalyticsFilter.FRAMEWORK).functionTimer();
            assertThat(accepted.count()).isEqualTo(collector.batches().size());
            assertThat(accepted.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        }
    }

    private static double records(MeterRegistry registry, String outcome) {
        return registry.get("api_analytics.records").tag("outcome", outcome)
                .tag("framework", ApiAnalyticsFilter.FRAMEWORK).functionCounter().count();
    }
}
