package dev.apianalytics.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.server.ServerConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyGenerationFlagsTest {

    private static final String TOKEN = "0123456789abcdef0123";

    @Test
    void openToAnyoneLimitedPerAddressAndTrustingNoProxyByDefault() {
        ServerConfig config = ServerConfig.parse(List.of(), Map.of());
        assertThat(config.keyGeneration()).isEqualTo(KeyGeneration.OPEN);
        assertThat(config.adminToken()).isNull();
        assertThat(config.keysPerHour()).isEqualTo(30);
        assertThat(config.trustedProxies()).isEmpty();
    }

    @Test
    void flagsAndVariablesSetModeTokenLimitAndProxies() {
        ServerConfig config = ServerConfig.parse(List.of("--key-generation", "TOKEN", "--keys-per-hour=5",
                "--trusted-proxies", "10.0.0.0/8, fd00::/8,192.0.2.1"), Map.of("API_ANALYTICS_ADMIN_TOKEN", TOKEN));
        assertThat(config.keyGeneration()).isEqualTo(KeyGeneration.TOKEN);
        assertThat(config.adminToken()).isEqualTo(TOKEN);
        assertThat(config.keysPerHour()).isEqualTo(5);
        assertThat(config.trustedProxies()).containsExactly("10.0.0.0/8", "fd00::/8", "192.0.2.1");
    }

    @Test
    void mistakesAreRefusedAtStartNamingTheFlag() {
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--key-generation", "token"), Map.of()))
                .hasMessageContaining("needs an admin token");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--key-generation", "closed"), Map.of()))
                .hasMessageContaining("--key-generation").hasMessageContaining("open, token or off");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--admin-token", "short"), Map.of()))
                .hasMessageContaining("--admin-token").hasMessageContaining("at least 16");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--trusted-proxies", "10.0.0.0/8,proxy.internal"), Map.of()))
                .hasMessageContaining("--trusted-proxies").hasMessageContaining("'proxy.internal'");
        assertThatThrownBy(() -> ServerConfig.parse(List.of("--keys-per-hour", "0"), Map.of()))
                .hasMessageContaining("--keys-per-hour");
    }
}
