package dev.apianalytics.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which hosts a stranger may make the collector connect to, and the reasons given for the rest. */
class PublicAddressesTest {

    /** Names resolve from this table: no DNS server can run here. */
    private static final Map<String, String> DNS = Map.of(
            "api.example.com", "93.184.215.14",
            "rebound.example.com", "10.1.2.3",
            "mixed.example.com", "93.184.215.14,127.0.0.1",
            "v6.example.com", "2606:2800:21f:cb07:6820:80da:af6b:8b2c");

    private static final PublicAddresses.Resolver TABLE = host -> {
        String answer = DNS.get(host);
        if (answer == null) {
            throw new UnknownHostException(host);
        }
        List<InetAddress> addresses = new java.util.ArrayList<>();
        for (String address : answer.split(",")) {
            addresses.add(InetAddress.getByName(address));
        }
        return addresses;
    };

    private final PublicAddresses strict = new PublicAddresses(false, TABLE, 8421, "--allow");
    private final PublicAddresses lan = new PublicAddresses(true, TABLE, 8421, "--allow");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1                    | a loopback address
            127.9.9.9                    | a loopback address
            localhost                    | reserved for local networks
            LOCALHOST.                   | reserved for local networks
            api.localhost                | reserved for local networks
            printer.local                | reserved for local networks
            [::1]                        | a loopback address
            [::]                         | an unspecified address
            0.0.0.0                      | an unspecified address
            10.0.0.1                     | a private address
            172.16.5.4                   | a private address
            172.31.255.255               | a private address
            192.168.1.1                  | a private address
            100.64.0.1                   | carrier-grade NAT
            169.254.1.1                  | a link-local address
            169.254.169.254              | a cloud metadata address
            [fd00:ec2::254]              | a cloud metadata address
            metadata.google.internal     | a cloud metadata service's name
            metadata                     | a cloud metadata service's name
            instance-data                | a cloud metadata service's name
            instance-data.ec2.internal   | a cloud metadata service's name
            anything.internal            | reserved for local networks
            intranet                     | a single-label name
            224.0.0.1                    | a multicast address
            [ff02::1]                    | a multicast address
            255.255.255.255              | a broadcast address
            240.0.0.1                    | a reserved address
            [fc00::1]                    | a private (unique local) address
            [fe80::1]                    | a link-local address
            [fe80::1%25eth0]             | names a network interface
            [::ffff:127.0.0.1]           | a loopback address
            [::ffff:10.0.0.1]            | a private address
            [::127.0.0.1]                | an IPv4-compatible form of a loopback address
            [64:ff9b::a00:1]             | a NAT64 form of a private address
            [2002:7f00:1::]              | a 6to4 form of a loopback address
            [2001:db8::1]                | a documentation address
            2130706433                   | an unusual spelling of an IPv4 address
            0x7f.1                       | an unusual spelling of an IPv4 address
            0x7f000001                   | an unusual spelling of an IPv4 address
            0177.0.0.1                   | an unusual spelling of an IPv4 address
            127.1                        | an unusual spelling of an IPv4 address
            127.0.0.01                   | an unusual spelling of an IPv4 address
            rebound.example.com          | rebound.example.com resolves to 10.1.2.3, a private address
            mixed.example.com            | mixed.example.com resolves to 127.0.0.1, a loopback address
            """)
    void internalTargetsAreRefusedWithTheReason(String host, String reason) {
        assertThat(strict.refusal(host, 80)).isNotNull().contains(reason);
    }

    @Test
    void publicTargetsAreAllowed() throws Exception {
        assertThat(strict.refusal("api.example.com", 443)).isNull();
        assertThat(strict.refusal("v6.example.com", 443)).isNull();
        assertThat(strict.refusal("93.184.215.14", 80)).isNull();
        assertThat(strict.refusal("[2606:2800:21f:cb07:6820:80da:af6b:8b2c]", 80)).isNull();
        assertThat(strict.refusal("[::ffff:93.184.215.14]", 80)).isNull();
        assertThat(strict.resolve("api.example.com", 443)).containsExactly(InetAddress.getByName("93.184.215.14"));
    }

    @Test
    void aNameThatDoesNotResolveYetIsAllowedAtRegistrationButNotAtConnectTime() {
        assertThat(strict.refusal("not-yet.example.com", 443)).isNull();
        assertThatThrownBy(() -> strict.resolve("not-yet.example.com", 443)).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void allowingPrivateTargetsStillRefusesMetadataAndTheCollectorItself() {
        assertThat(lan.refusal("127.0.0.1", 8080)).isNull();
        assertThat(lan.refusal("10.0.0.1", 80)).isNull();
        assertThat(lan.refusal("printer.local", 80)).isNull();
        assertThat(lan.refusal("169.254.169.254", 80)).contains("cloud metadata");
        assertThat(lan.refusal("metadata.google.internal", 80)).contains("cloud metadata");
        assertThat(lan.refusal("127.0.0.1", 8421)).contains("this collector itself");
        assertThat(lan.refusal("[::1]", 8421)).contains("this collector itself");
        assertThat(lan.refusal("0x7f.1", 8080)).contains("unusual spelling");
        assertThat(strict.refusal("127.0.0.1", 80)).contains("--allow");
    }

    @Test
    void theMachinesOwnPublicAddressesAreRefused() throws Exception {
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                assertThat(strict.refusal(address, 80)).as(address.toString()).isNotNull();
            }
        }
    }
}
