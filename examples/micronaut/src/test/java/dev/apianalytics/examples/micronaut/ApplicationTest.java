package dev.apianalytics.examples.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class ApplicationTest {

    @Test
    void servesItsApiAndRecordsItsTraffic() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            ApplicationContext context = ApplicationContext.run(Map.of(
                    "micronaut.server.port", -1,
                    "api-analytics.api-key", "example-key",
                    "api-analytics.server-url", collector.url(),
                    "api-analytics.flush-on-shutdown", false));
            String base = "http://127.0.0.1:" + context.getBean(EmbeddedServer.class).start().getPort();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ada = client.send(HttpRequest.newBuilder(URI.create(base + "/users/1"))
                    .header("X-Forwarded-For", "203.0.113.7").header("X-User-Id", "u-1").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ada.body()).contains("Ada");
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/users/7")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
            context.close();

            assertThat(collector.records())
                    .extracting(RecordedRequest::path, RecordedRequest::route, RecordedRequest::status, RecordedRequest::userId)
                    .containsExactlyInAnyOrder(Tuple.tuple("/users/1", "/users/{id}", 200, "u-1"), Tuple.tuple("/users/7", "/users/{id}", 404, null));
            assertThat(collector.records()).filteredOn(record -> "/users/1".equals(record.path()))
                    .extracting(RecordedRequest::ipAddress).containsExactly("203.0.113.7");
        }
    }
}
