package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(QuarkusWithoutKeyTest.Profile.class)
class QuarkusWithoutKeyTest {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("api-analytics.api-key", "");
        }
    }

    @Inject
    ApiAnalyticsFilter filter;

    @TestHTTPResource("/")
    URL base;

    @Test
    void theApplicationRunsAndNothingIsRecorded() throws Exception {
        assertThat(TestClient.get(base, "/hello")).isEqualTo(200);
        assertThat(filter.analytics().enabled()).isFalse();
        assertThat(filter.analytics().stats().enqueued()).isZero();
    }
}
