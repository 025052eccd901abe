package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(QuarkusPrivacyLevel2Test.Profile.class)
@WithTestResource(CollectorResource.class)
class QuarkusPrivacyLevel2Test {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("api-analytics.privacy-level", "2");
        }
    }

    RecordingCollector collector;

    @TestHTTPResource("/")
    URL base;

    @Test
    void noAddressLeavesTheProcessAndTheIpMapperIsNeverCalled() throws Exception {
        int callsBefore = TestMappers.IP_MAPPER_CALLS.get();
        assertThat(TestClient.get(base, "/users/2")).isEqualTo(200);

        RecordedRequest record = collector.awaitRecords(1, Duration.ofSeconds(10)).get(0);
        assertThat(record.privacyLevel()).isEqualTo(2);
        assertThat(record.json().has("ip_address") && !record.json().get("ip_address").isJsonNull()).isFalse();
        assertThat(record.userId()).isEqualTo("user-2");
        assertThat(TestMappers.IP_MAPPER_CALLS.get()).isEqualTo(callsBefore);
    }
}
