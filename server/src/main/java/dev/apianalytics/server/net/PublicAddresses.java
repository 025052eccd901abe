package dev.apianalytics.server.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether the collector may open a connection that a stranger chose (a monitored URL, a
 * webhook): by default only to public addresses, never to loopback, private, link-local, CGNAT,
 * multicast, reserved or metadata addresses, nor to this machine. Use it twice: {@link #refusal}
 * when the URL is registered (to answer 400 with the reason), and {@link #resolve} when connecting,
 * then connect to exactly the addresses it returned, so DNS cannot answer differently in between.
 */
public final class PublicAddresses {

    /** Resolves a host name; tests substitute one, since no DNS server can run here. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        /** The operating system's resolver. */
        static Resolver system() {
            return host -> List.of(InetAddress.getAllByName(host));
        }
    }

    /** A host or address that may not be connected to; the message says why. */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }

    // the cloud metadata services' names: refused even with allowPrivate
    private static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "metadata.goog",
            "instance-data", "instance-data.ec2.internal");
    // names reserved for local use (RFC 6761, 6762, 8375, ICANN's .internal)
    private static final List<String> LOCAL_SUFFIXES = List.of(".localhost", ".local", ".internal", ".home.arpa",
            ".localdomain");
    // every way to write an IPv4 address with digits: decimal, octal or hex parts, one to four of them
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+)){0,3}\\.?");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

    private final boolean allowPrivate;
    private final Resolver resolver;
    private final int ownPort;
    private final String allowFlag;
    private final Set<InetAddress> ownAddresses;

    /**
     * @param allowPrivate also allow loopback, private and link-local targets (monitoring a LAN);
     *     metadata addresses, this collector's own port and odd spellings stay refused
     * @param resolver how names are resolved ({@link Resolver#system()} outside tests)
     * @param ownPort the collector's port, refused on every address of this machine; 0 when unknown
     * @param allowFlag the setting that allows private targets, named in refusals
     *     ({@code --monitor-allow-private})
     */
    public PublicAddresses(boolean allowPrivate, Resolver resolver, int ownPort, String allowFlag) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.ownPort = ownPort;
        this.allowFlag = allowFlag;
        this.ownAddresses = interfaceAddresses();
    }

    /**
     * Why a connection to {@code host} (as written in a URL, IPv6 in brackets) and {@code port}
     * is refused, or null when it is allowed. Resolves names; a name that does not resolve (yet)
     * is allowed here, since {@link #resolve} checks again at connect time.
     */
    public String refusal(String host, int port) {
        try {
            resolve(host, port);
            return null;
        } catch (RefusedException e) {
            return e.getMessage();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Resolves {@code host} once and checks every address; connect only to what it returns.
     *
     * @throws RefusedException when the name or any of its addresses is refused
     * @throws UnknownHostException when the name does not resolve
     */
    public List<InetAddress> resolve(String host, int port) throws UnknownHostException, RefusedException {
        String name = normalise(host);
        List<InetAddress> addresses;
        boolean literal = true;
        if (name.startsWith("[")) {
            addresses = List.of(literal(name.substring(1, name.length() - 1), host));
        } else if (NUMERIC_HOST.matcher(name).matches()) {
            if (!DOTTED_QUAD.matcher(name).matches()) {
                throw new RefusedException(host + " is an unusual spelling of an IPv4 address; write it as four "
                        + "decimal numbers such as 203.0.113.7");
            }
            addresses = List.of(literal(name, host));
        } else {
            refuseLocalName(name, host);
            literal = false;
            addresses = resolver.resolve(name);
            if (addresses.isEmpty()) {
                throw new UnknownHostException(host);
            }
        }
        for (InetAddress address : addresses) {
            String why = refusal(address, port);
            if (why != null) {
                throw new RefusedException(literal ? why : host + " resolves to " + why);
            }
        }
        return addresses;
    }

    /** Why {@code address} on {@code port} is refused, or null when it is allowed. */
    public String refusal(InetAddress address, int port) {
        String text = address.getHostAddress();
        if (isMetadata(address)) {
            return text + ", a cloud metadata address";
        }
        boolean own = address.isAnyLocalAddress() || address.isLoopbackAddress() || ownAddresses.contains(address);
        if (own && ownPort > 0 && port == ownPort) {
            return text + " port " + port + ", this collector itself";
        }
        if (allowPrivate) {
            return null;
        }
        String kind = kind(address);
        if (kind != null) {
            return text + ", " + kind + " address (allowed only with " + allowFlag + ")";
        }
        if (ownAddresses.contains(address)) {
            return text + ", an address of this collector's machine";
        }
        return null;
    }

    /** What kind of non-public address this is ("a loopback", "a private", ...), or null when public. */
    public static String kind(InetAddress address) {
        if (address instanceof Inet4Address) {
            return kind4(address.getAddress());
        }
        byte[] b = address.getAddress();
        int first = b[0] & 0xff;
        if (address.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback";
        }
        if (zeros(b, 0, 10) && ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || zeros(b, 10, 12))) {
            return embedded(b, 12, (b[10] & 0xff) == 0xff ? "an IPv4-mapped" : "an IPv4-compatible");
        }
        if (prefix(b, 0x00, 0x64, 0xff, 0x9b) && zeros(b, 4, 12)) {
            return embedded(b, 12, "a NAT64");
        }
        if (prefix(b, 0x20, 0x02)) {
            return embedded(b, 2, "a 6to4");
        }
        if (prefix(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
            return "a local NAT64";
        }
        if (prefix(b, 0x20, 0x01, 0x00, 0x00)) {
            return "a Teredo tunnel";
        }
        if (prefix(b, 0x20, 0x01, 0x0d, 0xb8)) {
            return "a documentation";
        }
        if (prefix(b, 0x01, 0x00) && zeros(b, 2, 8)) {
            return "a discard";
        }
        if ((first & 0xfe) == 0xfc) {
            return "a private (unique local)";
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "a link-local";
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "a site-local";
        }
        if (first == 0xff) {
            return "a multicast";
        }
        if (address instanceof Inet6Address && (first & 0xe0) != 0x20) {
            return "a reserved"; // only 2000::/3 is handed out as global unicast
        }
        return null;
    }

    private static String kind4(byte[] b) {
        int a = b[0] & 0xff;
        int second = b[1] & 0xff;
        int third = b[2] & 0xff;
        if (a == 0) {
            return "an unspecified";
        }
        if (a == 127) {
            return "a loopback";
        }
        if (a == 10 || a == 172 && (second & 0xf0) == 16 || a == 192 && second == 168) {
            return "a private";
        }
        if (a == 100 && (second & 0xc0) == 64) {
            return "a carrier-grade NAT (shared)";
        }
        if (a == 169 && second == 254) {
            return "a link-local";
        }
        if (a >= 224 && a <= 239) {
            return "a multicast";
        }
        if (a >= 240) {
            return a == 255 && second == 255 && third == 255 && (b[3] & 0xff) == 255 ? "a broadcast" : "a reserved";
        }
        if (a == 192 && second == 0 && (third == 0 || third == 2) || a == 198 && (second & 0xfe) == 18
                || a == 198 && second == 51 && third == 100 || a == 203 && second == 0 && third == 113
                || a == 192 && second == 88 && third == 99) {
            return "a reserved"; // protocol assignments, benchmarking, documentation, 6to4 relays
        }
        return null;
    }

    /** The IPv4 address carried inside an IPv6 form, judged as itself. */
    private static String embedded(byte[] b, int from, String form) {
        byte[] v4 = {b[from], b[from + 1], b[from + 2], b[from + 3]};
        String inner = kind4(v4);
        return inner == null ? null : form + " form of " + inner;
    }

    private static boolean isMetadata(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254
                    || (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200;
        }
        // fd00:ec2::254, the AWS metadata service over IPv6
        return prefix(b, 0xfd, 0x00, 0x0e, 0xc2) && zeros(b, 4, 14) && (b[14] & 0xff) == 0x02 && (b[15] & 0xff) == 0x54;
    }

    private void refuseLocalName(String name, String host) throws RefusedException {
        if (METADATA_NAMES.contains(name)) {
            throw new RefusedException(host + " is a cloud metadata service's name");
        }
        if (allowPrivate) {
            return;
        }
        if (name.equals("localhost") || LOCAL_SUFFIXES.stream().anyMatch(name::endsWith)) {
            throw new RefusedException(host + " is a name reserved for local networks"
                    + " (allowed only with " + allowFlag + ")");
        }
        if (name.indexOf('.') < 0) {
            throw new RefusedException(host + " is a single-label name, resolved through the local search domains; "
                    + "use a full name such as api.example.com");
        }
    }

    private static InetAddress literal(String text, String host) throws RefusedException {
        if (text.indexOf('%') >= 0) {
            throw new RefusedException(host + " names a network interface (a zone), which is local by definition");
        }
        try {
            // a literal: InetAddress parses it without asking DNS
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new RefusedException(host + " is not a valid IP address");
        }
    }

    private static String normalise(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        while (name.endsWith(".") && name.length() > 1 && !name.startsWith("[")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static boolean prefix(byte[] b, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if ((b[i] & 0xff) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                addresses.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException | RuntimeException e) {
            // no interface list: loopback and private ranges are still refused by kind
        }
        return Set.copyOf(addresses);
    }
}
