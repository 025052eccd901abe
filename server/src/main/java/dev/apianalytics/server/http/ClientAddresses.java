package dev.apianalytics.server.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who sent a request. The peer of the connection, unless that peer is one of the trusted proxies
 * ({@code --trusted-proxies}): then {@code X-Forwarded-For} is walked from the right, skipping
 * trusted hops, and the first address that is not a trusted proxy is the client. Entries to its
 * left were written by whoever connected to the first proxy, anyone, so they are never read; with
 * no trusted proxies the header is ignored altogether.
 */
public final class ClientAddresses {

    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<Cidr> trustedProxies;

    private ClientAddresses(List<Cidr> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * Trusting the proxies in {@code cidrs} ({@code 10.0.0.0/8}, {@code fd00::/8}, or a single
     * address).
     *
     * @throws IllegalArgumentException naming the first entry that is not an IP literal or CIDR
     */
    public static ClientAddresses trusting(List<String> cidrs) {
        return new ClientAddresses(cidrs.stream().map(Cidr::parse).toList());
    }

    /** The client's address; {@code null} only if the peer's own address is unknown. */
    public InetAddress of(Exchange exchange) {
        String peer = exchange.remoteAddress();
        int zone = peer.indexOf('%');
        return resolve(IpAddresses.parse(zone < 0 ? peer : peer.substring(0, zone)), exchange.headers(FORWARDED_FOR));
    }

    /** The client given the connection's peer and every {@code X-Forwarded-For} line, in order. */
    InetAddress resolve(InetAddress peer, List<String> forwardedFor) {
        if (peer == null || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String line : forwardedFor) {
            for (String hop : line.split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
            InetAddress hop = IpAddresses.parse(withoutPort(hops.get(i)));
            if (hop == null) {
                // a trusted proxy passed on something that is not an address: it is the last hop we know
                return client;
            }
            client = hop;
        }
        return client;
    }

    boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** {@code 203.0.113.7:4711} and {@code [2001:db8::7]:4711} as some proxies write them, without the port. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    /** A network: an address and how many leading bits of it count. */
    private record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            String trimmed = text.trim();
            int slash = trimmed.indexOf('/');
            InetAddress address = IpAddresses.parse(slash < 0 ? trimmed : trimmed.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR: '" + text + "'");
            }
            int max = address.getAddress().length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(trimmed.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("the prefix length of '" + text + "' must be 0-" + max);
                }
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }
    }
}
