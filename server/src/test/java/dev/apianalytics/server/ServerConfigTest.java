package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaultsMatchWhatTheMiddlewaresExpect() {
        ServerConfig config = ServerConfig.parse(List.of(), Map.of());
        assertThat(dev.apianalytics.core.Config.DEFAULT_SERVER_URL).endsWith(":" + config.port());
        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.dataDir()).isEqualTo(Path.of("api-analytics-data"));
        assertThat(config.databaseUrl()).isNull();
        assertThat(config.geoDatabase()).isNull();
        assertThat(config.retention()).isEqualTo(Duration.ofDays(183));
        assertThat(config.dataPageSize()).isEqualTo(50_000);
    }

    @Test
    void flagsWinOverEnvironmentVariables() {
        ServerConfig config = ServerConfig.parse(
                List.of("--port", "9000", "--data-dir=/var/lib/aa", "--retention-days", "0", "--posts-per-minute=5"),
                Map.of("API_ANALYTICS_PORT", "9100", "API_ANALYTICS_BIND", "127.0.0.1",
                        "API_ANALYTICS_DATABASE_URL", "jdbc:postgresql://db/aa", "API_ANALYTICS_GEO_DB", "/geo.mmdb",
                        "API_ANALYTICS_MAX_BODY_BYTES", "1000", "API_ANALYTICS_MAX_DECOMPRESSED_BYTES", "2000",
                        "API_ANALYTICS_MAX_ROWS_PER_POST", "10"));
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/aa"));
        assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db/aa");
        assertThat(config.geoDatabase()).isEqualTo(Path.of("/geo.mmdb"));
        assertThat(config.maxBodyBytes()).isEqualTo(1000);
        assertThat(config.maxDecompressedBytes()).isEqualTo(2000);
        assertThat(config.maxRowsPerPost()).isEqualTo(10);
        assertThat(config.postsPerMinute()).isEqualTo(5);
        assertThat(config.retention()).isZero();
    }

    @Test
    void mistakesNameTheFlagOrVariable() {
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--port", "http"), Map.of())).hasMessageContaining("--port");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--prot", "1"), Map.of())).hasMessageContaining("unknown option --prot");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--port"), Map.of())).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ServerConfig.builder().dataPageSize(50_001)).hasMessageContaining("at most 50000");
        assertThatThrownBy(() -> ServerConfig.parse(List.of(), Map.of("API_ANALYTICS_PORT", "70000")))
                .hasMessageContaining("API_ANALYTICS_PORT");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--database-url", "jdbc:mysql://x"), Map.of()))
                .hasMessageContaining("jdbc:postgresql:");
    }

    @Test
    void monitoringSettingsComeFromFlagsOrTheirVariables() {
        ServerConfig defaults = ServerConfig.parse(List.of(), Map.of());
        assertThat(defaults.monitorMaxUrls()).isEqualTo(10);
        assertThat(defaults.monitorMinInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.monitorTimeout()).isEqualTo(Duration.ofSeconds(10));

        ServerConfig config = ServerConfig.parse(List.of("--monitor-max-urls", "0", "--monitor-timeout-seconds=30"),
                Map.of("API_ANALYTICS_MONITOR_MAX_URLS", "3", "API_ANALYTICS_MONITOR_MIN_INTERVAL_SECONDS", "60",
                        "API_ANALYTICS_MONITOR_TIMEOUT_SECONDS", "5"));
        assertThat(config.monitorMaxUrls()).isZero();
        assertThat(config.monitorMinInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.monitorTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(dev.apianalytics.server.monitor.MonitorSettings.from(config).maxUrlsPerKey()).isZero();

        assertThatThrownBy(() -> ServerConfig.parse(List.of("--monitor-max-urls", "-1"), Map.of()))
                .hasMessageContaining("--monitor-max-urls");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--monitor-timeout-seconds", "31"), Map.of()))
                .hasMessageContaining("--monitor-timeout-seconds").hasMessageContaining("1-30 seconds");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--monitor-min-interval-seconds", "0"), Map.of()))
                .hasMessageContaining("--monitor-min-interval-seconds");
        assertThatThrownBy(() -> ServerConfig.parse(List.of(), Map.of("API_ANALYTICS_MONITOR_MIN_INTERVAL_SECONDS", "86401")))
                .hasMessageContaining("API_ANALYTICS_MONITOR_MIN_INTERVAL_SECONDS");
        assertThatThrownBy(() -> ServerConfig.parse(List.of(), Map.of("API_ANALYTICS_MONITOR_TIMEOUT_SECONDS", "soon")))
                .hasMessageContaining("API_ANALYTICS_MONITOR_TIMEOUT_SECONDS").hasMessageContaining("not a whole number");
    }

    @Test
    void monitoringPrivateTargetsIsASwitchThatIsOffByDefault() {
        assertThat(ServerConfig.parse(List.of(), Map.of()).monitorAllowPrivate()).isFalse();
        assertThat(ServerConfig.parse(List.of("--monitor-allow-private", "--port", "9000"), Map.of()).monitorAllowPrivate())
                .isTrue();
        assertThat(ServerConfig.parse(List.of(), Map.of("API_ANALYTICS_MONITOR_ALLOW_PRIVATE", "true")).monitorAllowPrivate())
                .isTrue();
        assertThat(ServerConfig.parse(List.of("--monitor-allow-private=false"),
                Map.of("API_ANALYTICS_MONITOR_ALLOW_PRIVATE", "true")).monitorAllowPrivate()).isFalse();
        assertThatThrownBy(() -> ServerConfig.parse(List.of(), Map.of("API_ANALYTICS_MONITOR_ALLOW_PRIVATE", "maybe")))
                .hasMessageContaining("API_ANALYTICS_MONITOR_ALLOW_PRIVATE").hasMessageContaining("not true or false");
        assertThat(ServerFlags.usage()).contains("--monitor-allow-private ").doesNotContain("--monitor-allow-private null");
    }

    @Test
    void helpListsEveryFlagWithItsVariable() {
        String usage = ServerFlags.usage();
        for (ServerFlags.Option option : ServerFlags.OPTIONS) {
            assertThat(usage).contains(option.flag()).contains(option.environment());
        }
        assertThat(usage).contains("--help");
    }

    @Test
    void rawRowsAreKeptUnlessARetentionIsSet() {
        ServerConfig defaults = ServerConfig.parse(List.of(), Map.of());
        assertThat(defaults.rawRetention()).isZero();
        assertThat(defaults.rawRowsFrom(java.time.Instant.parse("2026-11-20T15:30:00Z"))).isNull();
        ServerConfig thirty = ServerConfig.parse(List.of("--raw-retention-days", "30"), Map.of());
        assertThat(thirty.rawRowsFrom(java.time.Instant.parse("2026-11-20T15:30:00Z")))
                .as("from the start of the hour 30 days ago").isEqualTo(java.time.Instant.parse("2026-10-21T15:00:00Z"));
        assertThat(ServerConfig.parse(List.of(), Map.of("API_ANALYTICS_RAW_RETENTION_DAYS", "7")).rawRetention())
                .isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--raw-retention-days", "-1"), Map.of()))
                .hasMessageContaining("--raw-retention-days");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--raw-retention-days", "40000"), Map.of()))
                .hasMessageContaining("--raw-retention-days");
    }

    @Test
    void gzipBodiesAreHeldToACompressionRatioThatAFlagMayRaise() {
        assertThat(ServerConfig.parse(List.of(), Map.of()).maxCompressionRatio()).isEqualTo(100);
        assertThat(ServerConfig.parse(List.of("--max-compression-ratio", "300"), Map.of()).maxCompressionRatio()).isEqualTo(300);
        assertThat(ServerConfig.parse(List.of(), Map.of("API_ANALYTICS_MAX_COMPRESSION_RATIO", "1100")).maxCompressionRatio())
                .isEqualTo(1100);
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--max-compression-ratio", "5"), Map.of()))
                .hasMessageContaining("--max-compression-ratio");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--max-compression-ratio", "2000"), Map.of()))
                .hasMessageContaining("--max-compression-ratio");
    }
}
