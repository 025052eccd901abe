package dev.apianalytics.core;

import dev.apianalytics.core.internal.CapturedLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.internal.SettingNames;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingNamesTest {

    @Test
    void readsKebabAndCamelCaseAndWarnsOnceForAnUnknownKeyNamingTheClosest() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("api-analytics.privacyLevel", "2");
        properties.put("api-analytics.flush-intervall", "1s");
        properties.put("api-analytics.initialBackoff", "1s");
        properties.put("api-analytics.initial-backoff", "2s");
        properties.put("quarkus.http.port", "0");
        properties.put("api-analytics.enabled", "true"); // the adapters' switch: theirs to read, no warning

        try (CapturedLog log = CapturedLog.capture()) {
            Map<String, String> settings = SettingNames.read("api-analytics.", properties.keySet(), properties::get, "application.properties");

            assertThat(settings).containsExactlyInAnyOrderEntriesOf(Map.of("privacy-level", "2", "initial-backoff", "2s"));
            assertThat(log.warnings()).containsExactly("API Analytics ignores the unknown setting api-analytics.flush-intervall"
                    + " in application.properties; did you mean api-analytics.flush-interval?");
        }
    }
}
