package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting of {@link Config#settings()} is an {@code api-analytics.*} line of
 * application.properties, read through SmallRye Config as Quarkus reads it (without starting
 * an application per key: QuarkusSettingsTest starts one with a profile).
 */
class QuarkusSettingsTableTest {

    static List<Config.Setting> settings() {
        return Config.settings();
    }

    @ParameterizedTest
    @MethodSource("settings")
    void everySettingIsAnApplicationProperty(Config.Setting setting) throws IOException {
        Config expected = Config.fromSettings(Map.of(setting.name(), setting.example())::get).build();

        assertThat(configOf("api-analytics." + setting.name() + "=" + setting.example()))
                .isEqualTo(expected).isNotEqualTo(Config.builder().build());
    }

    /** The line that was silently ignored before. */
    @Test
    void aCamelCaseKeyReadsAsItsKebabCaseOne() throws IOException {
        assertThat(configOf("api-analytics.privacyLevel=2").privacyLevel().level()).isEqualTo(2);
        assertThat(configOf("api-analytics.privacyLevel=2\napi-analytics.privacy-level=1").privacyLevel().level()).isEqualTo(1);
    }

    private static Config configOf(String applicationProperties) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(applicationProperties));
        org.eclipse.microprofile.config.Config config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .build();
        return ApiAnalyticsSettings.read(config).build();
    }
}
