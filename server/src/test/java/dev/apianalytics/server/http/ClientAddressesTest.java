package dev.apianalytics.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private static final ClientAddresses BEHIND_PROXIES = ClientAddresses.trusting(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.1"));

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeaderSays() {
        assertThat(client(BEHIND_PROXIES, "198.51.100.7", "203.0.113.9")).isEqualTo("198.51.100.7");
        assertThat(client(ClientAddresses.trusting(List.of()), "127.0.0.1", "203.0.113.9")).isEqualTo("127.0.0.1");
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        assertThat(client(BEHIND_PROXIES, "10.1.2.3", "203.0.113.9")).isEqualTo("203.0.113.9");
        // the client wrote the leftmost entry itself: it is never read
        assertThat(client(BEHIND_PROXIES, "10.1.2.3", "1.1.1.1, 203.0.113.9, 10.9.9.9")).isEqualTo("203.0.113.9");
        // a second header line added by the proxy counts as the later hops
        assertThat(client(BEHIND_PROXIES, "10.1.2.3", "1.1.1.1", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(client(BEHIND_PROXIES, "192.0.2.1", "[2001:db8::7]:4711")).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(client(BEHIND_PROXIES, "fd12::1", "203.0.113.9:8080")).isEqualTo("203.0.113.9");
        assertThat(client(BEHIND_PROXIES, "::ffff:10.0.0.1", "203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void aProxyWithoutAHeaderOrWithOnlyTrustedHopsIsTheLastAddressKnown() {
        assertThat(client(BEHIND_PROXIES, "10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(client(BEHIND_PROXIES, "10.1.2.3", "10.4.4.4, 10.5.5.5")).isEqualTo("10.4.4.4");
        assertThat(client(BEHIND_PROXIES, "10.1.2.3", "unknown, not-an-address")).isEqualTo("10.1.2.3");
        assertThat(client(BEHIND_PROXIES, "10.1.2.3", "")).isEqualTo("10.1.2.3");
    }

    @Test
    void networksMatchByTheirPrefixOnly() {
        ClientAddresses odd = ClientAddresses.trusting(List.of("172.16.0.0/12", "2001:db8:aa::/47", "0.0.0.0/0"));
        assertThat(odd.isTrusted(address("172.31.255.255"))).isTrue();
        assertThat(odd.isTrusted(address("2001:db8:ab::1"))).isTrue();
        assertThat(odd.isTrusted(address("2001:db8:ac::1"))).isFalse();
        ClientAddresses narrow = ClientAddresses.trusting(List.of("172.16.0.0/12"));
        assertThat(narrow.isTrusted(address("172.32.0.0"))).isFalse();
        assertThat(narrow.isTrusted(address("2001:db8::1"))).isFalse();
    }

    @Test
    void whatIsNotACidrIsRefusedByName() {
        for (String bad : List.of("proxy.example.com", "10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "10.0.0.0/-1", "")) {
            assertThatThrownBy(() -> ClientAddresses.trusting(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    private static String client(ClientAddresses addresses, String peer, String... forwardedFor) {
        return addresses.resolve(address(peer), List.of(forwardedFor)).getHostAddress();
    }

    private static InetAddress address(String text) {
        return IpAddresses.parse(text);
    }
}
