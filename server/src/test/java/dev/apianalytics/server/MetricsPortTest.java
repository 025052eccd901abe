package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metrics-port} serves metrics there alone; {@code --metrics off} serves none; the flags. */
class MetricsPortTest {

    @TempDir
    Path dataDir;

    @Test
    void aMetricsPortServesMetricsThereAndNotOnTheMainPort() throws Exception {
        int metricsPort = freePort();
        ServerConfig config = ServerFlags.parse(List.of("--port", "0", "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--metrics-port", Integer.toString(metricsPort)), Map.of());
        try (CollectorServer server = CollectorServer.start(config)) {
            Http main = new Http(server.url());
            assertThat(main.get("/api/health/live").status()).isEqualTo(200);
            assertThat(main.get("/metrics").status()).isEqualTo(404);

            Http.Response scrape = new Http("http://127.0.0.1:" + metricsPort).get("/metrics");
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(MetricsContract.value(scrape.body(), "apianalytics_http_requests_total",
                    "route", "/api/health/live", "method", "GET", "status", "200")).isEqualTo(1.0);
            assertThat(scrape.body()).contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void metricsOffServesNoneAndKeepsTheProbes() throws Exception {
        ServerConfig config = ServerFlags.parse(List.of("--port", "0", "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--metrics", "off"), Map.of());
        assertThat(config.metrics()).isFalse();
        try (CollectorServer server = CollectorServer.start(config)) {
            Http http = new Http(server.url());
            assertThat(http.get("/metrics").status()).isEqualTo(404);
            assertThat(http.get("/api/health/live").status()).isEqualTo(200);
            assertThat(http.get("/api/health/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void flagsAreCheckedAndListed() {
        assertThat(ServerFlags.parse(List.of(), Map.of()).metrics()).as("on by default").isTrue();
        assertThat(ServerFlags.parse(List.of(), Map.of()).metricsPort()).as("the main port by default").isZero();
        assertThat(ServerFlags.parse(List.of(), Map.of("API_ANALYTICS_METRICS", "off")).metrics()).isFalse();
        assertThat(ServerFlags.parse(List.of("--metrics-port=9464"), Map.of()).metricsPort()).isEqualTo(9464);
        assertThatThrownBy(() -> ServerFlags.parse(List.of("--metrics", "maybe"), Map.of()))
                .hasMessageContaining("--metrics").hasMessageContaining("on or off");
        assertThatThrownBy(() -> ServerFlags.parse(List.of("--metrics-port", "70000"), Map.of()))
                .hasMessageContaining("--metrics-port");
        assertThatThrownBy(() -> ServerFlags.parse(List.of("--port", "9000", "--metrics-port", "9000"), Map.of()))
                .hasMessageContaining("differ from the main port");
        assertThat(ServerFlags.usage()).contains("--metrics on|off", "--metrics-port N", "API_ANALYTICS_METRICS_PORT");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
