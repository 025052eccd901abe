package dev.apianalytics.examples.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class ExampleApiTest {

    @Test
    void servesItsApiAndRecordsItsTraffic() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            Vertx vertx = Vertx.vertx();
            HttpServer server = ExampleApi.start(vertx,
                    Config.builder("example-key").serverUrl(collector.url()).flushOnShutdown(false).build(), "127.0.0.1", 0)
                    .toCompletionStage().toCompletableFuture().get();
            String base = "http://127.0.0.1:" + server.actualPort();
            HttpClient client = HttpClient.newHttpClient();
            assertThat(get(client, base + "/users/1").body()).contains("Ada");
            assertThat(get(client, base + "/users/7").statusCode()).isEqualTo(404);
            vertx.close().toCompletionStage().toCompletableFuture().get();

            assertThat(collector.records()).extracting(RecordedRequest::path, RecordedRequest::route, RecordedRequest::status)
                    .containsExactlyInAnyOrder(Tuple.tuple("/users/1", "/users/{id}", 200), Tuple.tuple("/users/7", "/users/{id}", 404));
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
