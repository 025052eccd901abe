package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quarkus REST served under a path of its own ({@code quarkus.rest.path}): the templates recorded start with it. */
@QuarkusTest
@TestProfile(QuarkusRestPathTest.Profile.class)
@WithTestResource(CollectorResource.class)
class QuarkusRestPathTest {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.rest.path", "/api");
        }
    }

    RecordingCollector collector;

    @TestHTTPResource("/")
    URL base;

    private RecordedRequest recordOf(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<RecordedRequest> records = collector.awaitRecords(1, Duration.ofSeconds(10), record -> path.equals(record.path()));
        assertThat(records).as("records of %s", path).hasSize(1);
        return records.get(0);
    }

    @Test
    void everyRequestOfAMethodIsRecordedWithThePrefixedTemplate() throws Exception {
        assertThat(recordOf("/api/users/81").route()).isEqualTo("/api/users/{id}");
        assertThat(recordOf("/api/users/82").route()).isEqualTo("/api/users/{id}");
        assertThat(recordOf("/api/orders/83").route()).isEqualTo("/api/orders/{orderId}");
    }
}
