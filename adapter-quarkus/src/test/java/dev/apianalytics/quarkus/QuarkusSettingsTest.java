package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Settings that need an application of their own, in one application to start Quarkus once:
 * privacy level 2, an hour-long flush interval (only a flush or the shutdown sends), and the
 * HTTP root and REST paths in front of every route.
 */
@QuarkusTest
@TestProfile(QuarkusSettingsTest.Profile.class)
@WithTestResource(CollectorResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuarkusSettingsTest {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "api-analytics.privacy-level", "2",
                    "api-analytics.flush-interval", "1h",
                    "quarkus.http.root-path", "/root",
                    "quarkus.rest.path", "/api");
        }
    }

    RecordingCollector collector;

    @Inject
    ApiAnalyticsFilter filter;

    @TestHTTPResource("/")
    URL base;

    @Test
    @Order(1)
    void atPrivacyLevel2NoAddressLeavesTheProcessAndTheIpMapperIsNeverCalled() throws Exception {
        int callsBefore = TestMappers.IP_MAPPER_CALLS.get();
        assertThat(TestClient.get(base, "/root/api/users/2")).isEqualTo(200);
        assertThat(filter.analytics().flush(Duration.ofSeconds(10))).isTrue();

        RecordedRequest record = collector.awaitRecords(1, Duration.ofSeconds(10)).get(0);
        assertThat(record.privacyLevel()).isEqualTo(2);
        assertThat(record.json().has("ip_address") && !record.json().get("ip_address").isJsonNull()).isFalse();
        assertThat(record.userId()).isEqualTo("user-2");
        assertThat(TestMappers.IP_MAPPER_CALLS.get()).isEqualTo(callsBefore);
        // the template carries the HTTP root path and the REST path, as the recorded path does
        assertThat(record.path()).isEqualTo("/root/api/users/2");
        assertThat(record.route()).isEqualTo("/root/api/users/{id}");
    }

    @Test
    @Order(2)
    void theShutdownObserverFlushesWhatWasRecorded() throws Exception {
        collector.clear();
        for (int i = 0; i < 3; i++) {
            assertThat(TestClient.get(base, "/root/api/hello")).isEqualTo(200);
        }
        assertThat(collector.records()).as("records sent before the flush interval or the shutdown").isEmpty();

        // what Quarkus calls with its ShutdownEvent when the application stops
        filter.flushOnShutdown(new ShutdownEvent());

        List<RecordedRequest> records = collector.awaitRecords(3, Duration.ofSeconds(10));
        assertThat(records).hasSize(3).allSatisfy(record -> assertThat(record.path()).isEqualTo("/root/api/hello"));
    }
}
