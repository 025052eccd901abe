package dev.apianalytics.micronaut;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import io.micronaut.context.ApplicationContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every setting of {@link Config#settings()} is an {@code api-analytics.*} property of a started context. */
class MicronautSettingsTest {

    static List<Config.Setting> settings() {
        return Config.settings();
    }

    @ParameterizedTest
    @MethodSource("settings")
    void everySettingIsAnApplicationProperty(Config.Setting setting) {
        Config expected = Config.fromSettings(Map.of(setting.name(), setting.example())::get).build();

        assertThat(configOf(Map.of("api-analytics." + setting.name(), setting.example())))
                .isEqualTo(expected).isNotEqualTo(Config.builder().build());
    }

    @Test
    void aCamelCaseKeyReadsAsItsKebabCaseOne() {
        assertThat(configOf(Map.of("api-analytics.privacyLevel", "2")).privacyLevel().level()).isEqualTo(2);
    }

    private static Config configOf(Map<String, Object> properties) {
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            return context.getBean(ApiAnalyticsFilter.class).analytics().config();
        }
    }
}
