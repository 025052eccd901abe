package dev.apianalytics.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void defaultsPointAtTheLocalCollectorAwayFromPort8080() {
        Config config = Config.builder("key").build();

        assertThat(config.serverUrl().toString()).isEqualTo("http://localhost:8421");
        assertThat(config.serverUrl().getPort()).isNotEqualTo(8080);
        assertThat(config.privacyLevel()).isEqualTo(PrivacyLevel.STORE_IP);
        assertThat(config.flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.batchSize()).isEqualTo(10_000);
        assertThat(config.queueCapacity()).isEqualTo(20_000);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxRetryDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.gzip()).isTrue();
        assertThat(config.flushOnShutdown()).isTrue();
        assertThat(config.enabled()).isTrue();
    }

    @Test
    void aBlankKeyBuildsADisabledConfiguration() {
        assertThat(Config.builder("").build().enabled()).isFalse();
        assertThat(Config.builder("   ").build().enabled()).isFalse();
        assertThat(Config.builder((String) null).build().enabled()).isFalse();
        assertThat(Config.builder().build().enabled()).isFalse();
    }

    @Test
    void wrongValuesFailWithAMessageNamingTheField() {
        assertRefused(b -> b.privacyLevel(7), "privacyLevel");
        assertRefused(b -> b.privacyLevel(-1), "privacyLevel");
        assertRefused(b -> b.queueCapacity(-5), "queueCapacity");
        assertRefused(b -> b.queueCapacity(0), "queueCapacity");
        assertRefused(b -> b.batchSize(0), "batchSize");
        assertRefused(b -> b.flushInterval(Duration.ZERO), "flushInterval");
        assertRefused(b -> b.flushInterval(null), "flushInterval");
        assertRefused(b -> b.requestTimeout(Duration.ofSeconds(-1)), "requestTimeout");
        assertRefused(b -> b.maxRetryDuration(Duration.ofSeconds(-1)), "maxRetryDuration");
        assertRefused(b -> b.initialBackoff(Duration.ZERO), "initialBackoff");
        assertRefused(b -> b.shutdownTimeout(Duration.ofMillis(-1)), "shutdownTimeout");
        assertRefused(b -> b.serverUrl(""), "serverUrl");
        assertRefused(b -> b.serverUrl("localhost:8421"), "serverUrl");
        assertRefused(b -> b.serverUrl("ftp://example.com"), "serverUrl");
        assertRefused(b -> b.serverUrl("http://exa mple.com"), "serverUrl");
    }

    @Test
    void theKeyNeverAppearsInToString() {
        Config config = Config.builder("3f1c6b2a-secret").build();

        assertThat(config.toString()).doesNotContain("3f1c6b2a-secret").contains("apiKey=<set>");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        RequestMapper userId = RequestMapper.header("X-User-Id");
        Config config = Config.builder(" key ")
                .serverUrl("https://collector.example.com/analytics")
                .privacyLevel(2)
                .getUserId(userId)
                .getIpAddress(RequestMapper.forwardedFor())
                .flushInterval(Duration.ofSeconds(1))
                .batchSize(10)
                .queueCapacity(100)
                .requestTimeout(Duration.ofSeconds(2))
                .maxRetryDuration(Duration.ofSeconds(3))
                .initialBackoff(Duration.ofMillis(4))
                .shutdownTimeout(Duration.ofSeconds(5))
                .gzip(false)
                .flushOnShutdown(false)
                .build();

        Config copy = config.toBuilder().build();

        assertThat(copy.toString()).isEqualTo(config.toString());
        assertThat(copy.apiKey()).isEqualTo("key");
        assertThat(copy.getUserId()).isSameAs(userId);
        assertThat(copy.getIpAddress()).isSameAs(RequestMapper.forwardedFor());
    }

    private static void assertRefused(java.util.function.Consumer<Config.Builder> change, String field) {
        assertThatThrownBy(() -> {
            Config.Builder builder = Config.builder("key");
            change.accept(builder);
            builder.build();
        }).isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
                .hasMessageStartingWith(field);
    }
}
