package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.RecordingCollector;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
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

    @Test
    void everyRequestOfAMethodIsRecordedWithThePrefixedTemplate() throws Exception {
        assertThat(TestClient.recordOf(base, collector, "/api/users/81").route()).isEqualTo("/api/users/{id}");
        assertThat(TestClient.recordOf(base, collector, "/api/users/82").route()).isEqualTo("/api/users/{id}");
        assertThat(TestClient.recordOf(base, collector, "/api/orders/83").route()).isEqualTo("/api/orders/{orderId}");
    }
}
