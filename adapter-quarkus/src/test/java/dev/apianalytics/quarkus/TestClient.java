package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** GET requests to the application under test, and what the collector recorded of them. */
final class TestClient {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private TestClient() {}

    static int get(URL base, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + path))
                .header("X-User-Id", "user-2").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Sends {@code GET path} with the given header names and values, expects 200, and returns its one record. */
    static RecordedRequest recordOf(URL base, RecordingCollector collector, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        assertThat(CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        List<RecordedRequest> records = collector.awaitRecords(1, Duration.ofSeconds(10), record -> path.equals(record.path()));
        assertThat(records).as("records of %s", path).hasSize(1);
        return records.get(0);
    }
}
