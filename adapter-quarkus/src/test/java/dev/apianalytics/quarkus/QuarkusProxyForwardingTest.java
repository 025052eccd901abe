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

/**
 * With Quarkus's own forwarded-header support switched on, the client address recorded is the one
 * Quarkus works out from {@code Forwarded}; a request without such a header is recorded with the
 * connection's peer. (The test customizer's mapper reads {@code X-Forwarded-For} itself, so this
 * test sends {@code Forwarded}, which only Quarkus reads.)
 */
@QuarkusTest
@TestProfile(QuarkusProxyForwardingTest.Profile.class)
@WithTestResource(CollectorResource.class)
class QuarkusProxyForwardingTest {

    public static final class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true", "quarkus.http.proxy.allow-forwarded", "true");
        }
    }

    RecordingCollector collector;

    @TestHTTPResource("/")
    URL base;

    @Test
    void theAddressQuarkusReadsFromForwardedIsRecorded() throws Exception {
        assertThat(TestClient.recordOf(base, collector, "/users/71", "Forwarded", "for=198.51.100.4;proto=https").ipAddress()).isEqualTo("198.51.100.4");
    }

    @Test
    void withoutAForwardedHeaderTheConnectionsPeerIsRecorded() throws Exception {
        assertThat(TestClient.recordOf(base, collector, "/users/72").ipAddress()).isEqualTo("127.0.0.1");
    }
}
