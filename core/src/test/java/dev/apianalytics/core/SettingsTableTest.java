package dev.apianalytics.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTableTest {

    static List<Config.Setting> settings() {
        return Config.settings();
    }

    @ParameterizedTest
    @MethodSource("settings")
    void everySettingsExampleChangesTheConfiguration(Config.Setting setting) {
        Config fromExample = Config.fromSettings(Map.of(setting.name(), setting.example())::get).build();
        Config fromDefault = Config.fromSettings(Map.of(setting.name(), setting.defaultValue())::get).build();

        assertThat(fromExample).isNotEqualTo(Config.builder().build());
        assertThat(fromDefault).isEqualTo(Config.builder().build());
        assertThat(setting.description()).isNotBlank().doesNotContain("\n");
    }

    @Test
    void everyBuilderSettingHasARow() {
        // the builder's setters, less the two typed overloads and the deprecated mapper aliases
        Set<String> setters = java.util.Arrays.stream(Config.Builder.class.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()) && !m.isAnnotationPresent(Deprecated.class))
                .map(java.lang.reflect.Method::getName)
                .filter(name -> !name.equals("build"))
                .collect(Collectors.toSet());
        Set<String> covered = Config.settings().stream()
                .map(s -> camel(s.name().replaceFirst("-header$", "")))
                .collect(Collectors.toSet());

        assertThat(covered).containsExactlyInAnyOrderElementsOf(setters);
    }

    @Test
    void readsTheSettingsOfAFramework() {
        Config config = Config.fromSettings(Map.of(
                "api-key", " key ",
                "privacy-level", "COUNTRY_ONLY",
                "flush-interval", "500ms",
                "request-timeout", "PT2S",
                "max-retry-duration", "0",
                "gzip", "FALSE",
                "ip-address-header", "x-forwarded-for",
                "user-id-header", "X-User-Id")::get).build();

        assertThat(config.apiKey()).isEqualTo("key");
        assertThat(config.privacyLevel()).isEqualTo(PrivacyLevel.COUNTRY_ONLY);
        assertThat(config.flushInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxRetryDuration()).isZero();
        assertThat(config.gzip()).isFalse();
        TestRequest request = new TestRequest("GET", "/", "198.51.100.4",
                Map.of("X-Forwarded-For", "203.0.113.9, 10.0.0.1", "X-User-Id", "u-7"));
        assertThat(config.getIpAddress().map(request)).isEqualTo("203.0.113.9");
        assertThat(config.getUserId().map(request)).isEqualTo("u-7");
    }

    @Test
    void aBadValueNamesTheKeyAndTheExpectedForm() {
        assertThatThrownBy(() -> Config.fromSettings(Map.of("flush-interval", "5 seconds")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flush-interval").hasMessageContaining("500ms, 5s");
        assertThatThrownBy(() -> Config.fromSettings(Map.of("gzip", "yes")::get))
                .hasMessageContaining("gzip").hasMessageContaining("true or false");
        assertThatThrownBy(() -> Config.fromSettings(Map.of("privacy-level", "7")::get))
                .hasMessage("privacyLevel must be 0, 1 or 2, but was 7 (setting privacy-level)");
        assertThatThrownBy(() -> Config.fromSettings(Map.of("privacy-level", "some")::get))
                .hasMessageContaining("privacy-level").hasMessageContaining("STORE_IP");
        assertThatThrownBy(() -> Config.fromSettings(Map.of("batch-size", "0")::get))
                .hasMessage("batchSize must be at least 1, but was 0 (setting batch-size)");
        assertThatThrownBy(() -> Config.fromSettings(Map.of("batch-size", "lots")::get))
                .hasMessageContaining("batch-size").hasMessageContaining("whole number");
        assertThatThrownBy(() -> Config.fromSettings(Map.of("user-id-header", "X User")::get))
                .hasMessageContaining("user-id-header").hasMessageContaining("header name");
    }

    /** docs/configuration.md lists exactly the table: names, types and defaults. */
    @Test
    void theConfigurationReferenceMatchesTheTable() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| ([^|]+) \\| (?:`([^`]*)`|\\(none\\)) \\|").matcher(
                docs.substring(docs.indexOf("### Settings"), docs.indexOf("###", docs.indexOf("### Settings") + 3)));
        StringBuilder documented = new StringBuilder();
        while (row.find()) {
            documented.append(row.group(1)).append(" | ").append(row.group(2).trim()).append(" | ").append(row.group(3) == null ? "" : row.group(3)).append('\n');
        }
        String table = Config.settings().stream()
                .map(s -> s.name() + " | " + s.type() + " | " + s.defaultValue() + "\n")
                .collect(Collectors.joining());

        assertThat(documented.toString()).isEqualTo(table);
    }

    private static String camel(String kebab) {
        StringBuilder out = new StringBuilder();
        for (String part : kebab.split("-")) {
            out.append(out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return out.toString();
    }
}
