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
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(QuarkusShutdownTest.Profile.class)
@WithTestResource(CollectorResource.class)
class QuarkusShutdownTest {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("api-analytics.flush-interval", "1h");
        }
    }

    RecordingCollector collector;

    @Inject
    ApiAnalyticsFilter filter;

    @TestHTTPResource("/")
    URL base;

    @Test
    void theShutdownObserverFlushesWhatWasRecorded() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(TestClient.get(base, "/hello")).isEqualTo(200);
        }
        assertThat(collector.records()).as("records sent before the flush interval or the shutdown").isEmpty();

        // what Quarkus calls with its ShutdownEvent when the application stops
        filter.flushOnShutdown(new ShutdownEvent());

        List<RecordedRequest> records = collector.awaitRecords(3, Duration.ofSeconds(10));
        assertThat(records).hasSize(3).allSatisfy(record -> assertThat(record.path()).isEqualTo("/hello"));
    }
}
