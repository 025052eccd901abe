package dev.apianalytics.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The example on real Spring MVC, with the starter: route templates come from Spring's matched pattern. */
class ExampleApplicationTest {

    @Test
    void recordsSpringRouteTemplatesStatusesAndAsyncResponses() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            ConfigurableApplicationContext app = SpringApplication.run(ExampleApplication.class,
                    "--server.port=0", "--server.address=127.0.0.1",
                    "--api-analytics.api-key=example-key", "--api-analytics.server-url=" + collector.url());
            String base = "http://127.0.0.1:" + ((ServletWebServerApplicationContext) app).getWebServer().getPort();
            HttpClient client = HttpClient.newHttpClient();
            assertThat(get(client, base + "/users/2?verbose=true").body()).contains("Grace");
            assertThat(get(client, base + "/users/9").statusCode()).isEqualTo(404);
            assertThat(get(client, base + "/nothing-here").statusCode()).isEqualTo(404);
            assertThat(get(client, base + "/reports/slow").body()).isEqualTo("report");
            app.close(); // closing the context flushes

            List<RecordedRequest> records = collector.records();
            assertThat(records).extracting(RecordedRequest::path, RecordedRequest::route, RecordedRequest::status)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("/users/2", "/users/{id}", 200),
                            org.assertj.core.groups.Tuple.tuple("/users/9", "/users/{id}", 404),
                            org.assertj.core.groups.Tuple.tuple("/nothing-here", null, 404),
                            org.assertj.core.groups.Tuple.tuple("/reports/slow", "/reports/slow", 200));
            assertThat(records).allSatisfy(record -> assertThat(record.framework()).isEqualTo("Spring MVC"));
            assertThat(records).filteredOn(record -> record.path().equals("/reports/slow")).singleElement()
                    .satisfies(record -> assertThat(record.responseTimeMillis()).isGreaterThanOrEqualTo(BigDecimal.valueOf(150)));
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
