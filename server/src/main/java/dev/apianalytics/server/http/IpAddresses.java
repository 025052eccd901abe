package dev.apianalytics.server.http;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** IP literals, parsed without ever touching DNS (a host name here is just invalid). */
public final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private IpAddresses() {}

    /** The address, or {@code null} when {@code text} is not an IPv4 or IPv6 literal. */
    public static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        boolean v4 = IPV4.matcher(trimmed).matches();
        boolean v6 = !v4 && trimmed.indexOf(':') >= 0 && IPV6.matcher(trimmed).matches();
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(trimmed); // a literal: no lookup happens
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /** How an address is stored: dotted IPv4 (also for IPv4-mapped IPv6), otherwise lower-case text as sent. */
    public static String canonical(String text, InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        String trimmed = text.trim();
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
