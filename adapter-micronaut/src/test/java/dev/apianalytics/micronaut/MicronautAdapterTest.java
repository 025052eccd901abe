package dev.apianalytics.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configuration paths the conformance suite does not take: customizer beans, bad values, query templates, the switch. */
class MicronautAdapterTest {

    private static final String KEY = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";

    private final HttpClient client = HttpClient.newHttpClient();
    private RecordingCollector collector;
    private ApplicationContext context;

    @BeforeEach
    void startCollector() {
        collector = RecordingCollector.start();
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        collector.close();
    }

    private String start(Map<String, Object> extra) {
        Map<String, Object> properties = new java.util.HashMap<>(MicronautConformanceTest.properties(
                Config.builder(KEY).serverUrl(collector.url()).flushInterval(Duration.ofMillis(50)).flushOnShutdown(false).build()));
        properties.putAll(extra);
        context = ApplicationContext.run(properties);
        return "http://127.0.0.1:" + context.getBean(EmbeddedServer.class).start().getPort();
    }

    private int get(String url, String forwardedFor) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("X-Forwarded-For", forwardedFor).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void customizerBeansSetTheMappers() throws Exception {
        String url = start(Map.of("test.customizer", true));
        assertThat(get(url + "/users/7", "203.0.113.9")).isEqualTo(200);

        RecordedRequest record = collector.awaitRecords(1, Duration.ofSeconds(10)).get(0);
        assertThat(record.ipAddress()).isEqualTo("203.0.113.9");
        assertThat(record.userId()).isEqualTo("customized");
        assertThat(record.route()).isEqualTo("/users/{id}");
    }

    @Test
    void aQueryTemplateIsNotPartOfTheRoute() throws Exception {
        String url = start(Map.of());
        assertThat(get(url + "/books?max=3", "203.0.113.9")).isEqualTo(200);

        RecordedRequest record = collector.awaitRecords(1, Duration.ofSeconds(10)).get(0);
        assertThat(record.path()).isEqualTo("/books");
        assertThat(record.route()).isEqualTo("/books");
        assertThat(record.ipAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void anInvalidSettingStopsStartupNamingTheField() {
        assertThatThrownBy(() -> start(Map.of("api-analytics.privacy-level", 7)))
                .hasStackTraceContaining("Invalid api-analytics configuration: privacyLevel must be 0, 1 or 2, but was 7");
    }

    @Test
    void switchedOffWithEnabledFalseTheAdapterRegistersNoFilterAndRecordsNothing() throws Exception {
        String url = start(Map.of("api-analytics.enabled", false));
        assertThat(context.findBean(ApiAnalyticsFilter.class)).isEmpty();
        assertThat(get(url + "/users/7", "203.0.113.9")).isEqualTo(200);
        Thread.sleep(300); // six flush intervals
        assertThat(collector.batches()).isEmpty();
    }

    @Test
    void enabledTrueRecordsAsWithoutTheSwitch() throws Exception {
        String url = start(Map.of("api-analytics.enabled", true));
        assertThat(get(url + "/users/7", "203.0.113.9")).isEqualTo(200);
        assertThat(collector.awaitRecords(1, Duration.ofSeconds(10)).get(0).route()).isEqualTo("/users/{id}");
    }

    @Singleton
    @Requires(property = "test.customizer", value = "true")
    static final class ForwardedForCustomizer implements ApiAnalyticsCustomizer {
        @Override
        public void customize(Config.Builder config) {
            config.getIpAddress(RequestMapper.forwardedFor()).getUserId(request -> "customized");
        }
    }
}
