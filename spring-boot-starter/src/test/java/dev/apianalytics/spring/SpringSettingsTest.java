package dev.apianalytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.testkit.AbstractConformanceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * Every setting of {@link Config#settings()} is an {@code api-analytics.*} application property,
 * and the starter switches on with the key and off with {@code api-analytics.enabled=false}.
 */
class SpringSettingsTest {

    private static final String KEY = AbstractConformanceTest.API_KEY;
    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ApiAnalyticsAutoConfiguration.class));

    static List<Config.Setting> settings() {
        return Config.settings().stream().filter(setting -> !setting.name().equals("api-key")).toList();
    }

    @ParameterizedTest
    @MethodSource("settings")
    void everySettingIsAnApplicationProperty(Config.Setting setting) {
        Config expected = Config.fromSettings(Map.of("api-key", KEY, setting.name(), setting.example())::get).build();

        servlet.withPropertyValues("api-analytics.api-key=" + KEY, "api-analytics." + setting.name() + "=" + setting.example())
                .run(context -> assertThat(context.getBean(Config.class))
                        .isEqualTo(expected).isNotEqualTo(Config.builder(KEY).build()));
    }

    @Test
    void camelCaseKeysAndEnvironmentVariablesReadAsTheirKebabCaseOnes() {
        servlet.withPropertyValues("api-analytics.apiKey=" + KEY, "api-analytics.privacyLevel=2")
                .withSystemProperties("API_ANALYTICS_BATCHSIZE=7")
                .run(context -> {
                    Config config = context.getBean(Config.class);
                    assertThat(config.apiKey()).isEqualTo(KEY);
                    assertThat(config.privacyLevel().level()).isEqualTo(2);
                });
    }

    @Test
    void excludedPathsReadFromACommaSeparatedValueOrAYamlList() {
        servlet.withPropertyValues("api-analytics.api-key=" + KEY, "api-analytics.exclude-paths=/health, /actuator/**")
                .run(context -> assertThat(context.getBean(Config.class).excludePaths())
                        .containsExactly("/health", "/actuator/**"));
        servlet.withPropertyValues("api-analytics.api-key=" + KEY, "api-analytics.exclude-paths[1]=/actuator/**",
                        "api-analytics.exclude-paths[0]=/health")
                .run(context -> assertThat(context.getBean(Config.class).excludePaths())
                        .containsExactly("/health", "/actuator/**"));
    }

    @Test
    void withoutAKeyOrWhenDisabledNothingIsConfigured() {
        servlet.run(context -> assertThat(context).doesNotHaveBean(ApiAnalytics.class));
        servlet.withPropertyValues("api-analytics.api-key=" + KEY, "api-analytics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ApiAnalytics.class).doesNotHaveBean(Config.class));
    }

    @Test
    void customizerBeansSetMappersInCode() {
        RequestMapper userId = RequestMapper.header("X-Tenant");
        servlet.withPropertyValues("api-analytics.api-key=" + KEY)
                .withBean(Config.Customizer.class, () -> builder -> builder.userId(userId))
                .run(context -> assertThat(context.getBean(Config.class).getUserId()).isEqualTo(userId));
    }

    @Test
    void aBadValueFailsTheStartNamingTheProperty() {
        servlet.withPropertyValues("api-analytics.api-key=" + KEY, "api-analytics.flush-interval=soon")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("property api-analytics.flush-interval"));
    }

    @Test
    void eachStackGetsOneAnalyticsNamedForIt() {
        servlet.withPropertyValues("api-analytics.api-key=" + KEY)
                .run(context -> assertThat(context.getBean(ApiAnalytics.class).enabled()).isTrue());
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ApiAnalyticsAutoConfiguration.class))
                .withPropertyValues("api-analytics.api-key=" + KEY)
                .run(context -> assertThat(context).hasSingleBean(ApiAnalytics.class).hasSingleBean(ApiAnalyticsWebFilter.class));
    }
}
