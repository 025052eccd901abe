package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code api-analytics.enabled=false} with a key set: the application runs without the filters. */
@QuarkusTest
@TestProfile(QuarkusSwitchedOffTest.Profile.class)
class QuarkusSwitchedOffTest {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("api-analytics.enabled", "false");
        }
    }

    @Inject
    Instance<ApiAnalyticsFilter> filter;

    @Inject
    Instance<RestRouteTemplate> routeTemplate;

    @TestHTTPResource("/")
    URL base;

    @Test
    void noFilterIsRegisteredAndTheApplicationAnswers() throws Exception {
        assertThat(TestClient.get(base, "/hello")).isEqualTo(200);
        assertThat(filter.isResolvable()).isFalse();
        assertThat(routeTemplate.isResolvable()).as("the Quarkus REST filter that finds route templates").isFalse();
    }
}
