package dev.apianalytics.server.ingest;

import dev.apianalytics.server.http.IpAddresses;
import dev.apianalytics.server.ingest.RawRow.Field;
import dev.apianalytics.server.ingest.RawRow.Kind;
import dev.apianalytics.server.ingest.RawRow.Value;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Validates one element of {@code requests}, leniently: what upstream clients actually send is
 * accepted (any timestamp style, integer or decimal times, nulls, query strings in paths,
 * numbers where strings are expected), and only a row that cannot mean anything is rejected.
 */
final class RowParser {

    static final Duration LONGEST_RESPONSE = Duration.ofDays(7);
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Duration ALLOWED_CLOCK_SKEW = Duration.ofDays(1);

    private static final int MAX_HOSTNAME = 255;
    private static final int MAX_PATH = 2048;
    private static final int MAX_ROUTE = 512;
    private static final int MAX_USER_AGENT = 1024;
    private static final int MAX_USER_ID = 255;
    private static final int MAX_REFERRER = 2048;
    private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z0-9_-]{0,15}");

    private static final int IP_CACHE_LIMIT = 50_000;
    private static final ParsedIp NO_IP = new ParsedIp(null, null);

    private final Clock clock;
    /** Where the raw rows kept at an instant start, or null when all are kept (see ServerConfig#rawRowsFrom). */
    private final UnaryOperator<Instant> rowsFrom;
    // an API sees the same clients again and again: parse each address text once
    private final ConcurrentHashMap<String, ParsedIp> addresses = new ConcurrentHashMap<>();

    RowParser(Clock clock, UnaryOperator<Instant> rowsFrom) {
        this.clock = clock;
        this.rowsFrom = rowsFrom;
    }

    private record ParsedIp(InetAddress address, String canonical) {}

    IncomingRow parse(RawRow row) throws RejectedRow {
        if (row.fields() > RawRow.MAX_FIELDS) {
            throw new RejectedRow("has more than " + RawRow.MAX_FIELDS + " fields");
        }
        if (row.problem() != null) {
            throw new RejectedRow(row.problem());
        }
        String path = text(row, Field.PATH, MAX_PATH);
        if (path == null) {
            throw new RejectedRow("path is missing");
        }
        path = withoutQuery(path);
        ParsedIp ip = ip(text(row, Field.IP_ADDRESS, 64));
        return new IncomingRow(
                createdAt(row),
                text(row, Field.HOSTNAME, MAX_HOSTNAME),
                ip.canonical(),
                ip.address(),
                path,
                text(row, Field.ROUTE, MAX_ROUTE),
                method(row),
                status(row),
                responseTime(row),
                text(row, Field.USER_AGENT, MAX_USER_AGENT),
                text(row, Field.USER_ID, MAX_USER_ID),
                referrer(row));
    }

    private ParsedIp ip(String text) {
        if (text == null) {
            return NO_IP;
        }
        ParsedIp cached = addresses.get(text);
        if (cached != null) {
            return cached;
        }
        InetAddress address = IpAddresses.parse(text);
        ParsedIp parsed = address == null ? NO_IP : new ParsedIp(address, IpAddresses.canonical(text, address));
        if (addresses.size() >= IP_CACHE_LIMIT) {
            addresses.clear();
        }
        addresses.put(text, parsed);
        return parsed;
    }

    private static String referrer(RawRow row) throws RejectedRow {
        String referrer = text(row, Field.REFERRER, MAX_REFERRER);
        return referrer != null ? referrer : text(row, Field.REFERER, MAX_REFERRER);
    }

    private static String withoutQuery(String path) {
        int cut = path.length();
        int query = path.indexOf('?');
        int fragment = path.indexOf('#');
        if (query >= 0) {
            cut = query;
        }
        if (fragment >= 0 && fragment < cut) {
            cut = fragment;
        }
        String bare = path.substring(0, cut);
        return bare.isEmpty() ? "/" : bare;
    }

    private Instant createdAt(RawRow row) throws RejectedRow {
        Value value = row.get(Field.CREATED_AT);
        Instant now = clock.instant();
        if (value == null || value.kind() == Kind.NULL) {
            return now; // the time of arrival is the best estimate left
        }
        if (value.kind() == Kind.STRUCTURE) {
            throw new RejectedRow("created_at must be a timestamp string");
        }
        Instant instant;
        if (value.kind() == Kind.NUMBER) {
            instant = Timestamps.fromEpoch(parseDouble(value.text()));
        } else if (value.kind() == Kind.STRING) {
            instant = value.text().isBlank() ? now : Timestamps.parse(value.text());
        } else {
            instant = null;
        }
        if (instant == null) {
            throw new RejectedRow("created_at is not a timestamp: '" + abbreviate(value.text()) + "'");
        }
        if (instant.isBefore(EARLIEST)) {
            throw new RejectedRow("created_at is before 2000: " + instant);
        }
        if (instant.isAfter(now.plus(ALLOWED_CLOCK_SKEW))) {
            throw new RejectedRow("created_at is more than a day in the future: " + instant);
        }
        // its hour is summarised and its rows deleted, or about to be: a summary redone from one late row would lose the rest
        Instant horizon = rowsFrom.apply(now);
        if (horizon != null && instant.isBefore(horizon)) {
            throw new RejectedRow("created_at is before the raw retention keeps rows (" + horizon + "): " + instant);
        }
        return instant;
    }

    private static String method(RawRow row) throws RejectedRow {
        Value value = row.get(Field.METHOD);
        if (value == null || value.kind() == Kind.NULL) {
            throw new RejectedRow("method is missing");
        }
        if (value.kind() == Kind.STRUCTURE) {
            throw new RejectedRow("method must be a string");
        }
        if (value.kind() == Kind.NUMBER) {
            double id = parseDouble(value.text());
            if (id >= 0 && id < MethodIds.COUNT && id == Math.rint(id)) {
                return MethodIds.name((int) id);
            }
            throw new RejectedRow("method id " + abbreviate(value.text()) + " is not 0-8");
        }
        int known = MethodIds.id(value.text());
        if (known >= 0) {
            return MethodIds.name(known); // the usual case: one shared string, no pattern
        }
        String method = value.text().trim().toUpperCase(Locale.ROOT);
        if (!METHOD.matcher(method).matches()) {
            throw new RejectedRow("method is not an HTTP method: '" + abbreviate(method) + "'");
        }
        return method;
    }

    private static int status(RawRow row) throws RejectedRow {
        double status = number(row, Field.STATUS, "status");
        if (status != Math.rint(status) || status < 100 || status > 999) {
            throw new RejectedRow("status must be a whole number from 100 to 999, was " + format(status));
        }
        return (int) status;
    }

    private static double responseTime(RawRow row) throws RejectedRow {
        double millis = number(row, Field.RESPONSE_TIME, "response_time");
        if (millis < 0 || millis > LONGEST_RESPONSE.toMillis()) {
            throw new RejectedRow("response_time must be 0 to " + LONGEST_RESPONSE.toMillis() + " ms, was " + format(millis));
        }
        return millis;
    }

    private static double number(RawRow row, Field field, String name) throws RejectedRow {
        Value value = row.get(field);
        if (value == null || value.kind() == Kind.NULL) {
            throw new RejectedRow(name + " is missing");
        }
        if (value.kind() == Kind.NUMBER || value.kind() == Kind.STRING) {
            double number = parseDouble(value.text());
            if (Double.isFinite(number)) {
                return number;
            }
        }
        throw new RejectedRow(name + " must be a number");
    }

    private static double parseDouble(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A string field: trimmed, NUL-free, capped, {@code null} when absent or empty; numbers and booleans become text. */
    private static String text(RawRow row, Field field, int maxLength) throws RejectedRow {
        Value value = row.get(field);
        if (value == null || value.kind() == Kind.NULL) {
            return null;
        }
        if (value.kind() == Kind.STRUCTURE) {
            throw new RejectedRow(field.name().toLowerCase(Locale.ROOT) + " must be a string");
        }
        return clean(value.text(), maxLength);
    }

    /**
     * Trimmed, NUL-free, cut to {@code maxLength}, lone surrogates (which JSON escapes can carry,
     * and which Python's json.dumps emits) replaced by U+FFFD; {@code null} when empty.
     */
    static String clean(String raw, int maxLength) {
        String text = raw.indexOf('\0') >= 0 ? raw.replace("\0", "") : raw;
        text = wellFormed(text).strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > maxLength) {
            int end = maxLength;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            text = text.substring(0, end);
        }
        return text;
    }

    private static String wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return withoutLoneSurrogates(text, i);
            }
        }
        return text;
    }

    private static String withoutLoneSurrogates(String text, int from) {
        var out = new StringBuilder(text.length()).append(text, 0, from);
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static String format(double number) {
        return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number) : Double.toString(number);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
