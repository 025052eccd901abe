package dev.apianalytics.server.ingest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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

    private final Clock clock;

    RowParser(Clock clock) {
        this.clock = clock;
    }

    IncomingRow parse(JsonElement element) throws RejectedRow {
        if (element == null || !element.isJsonObject()) {
            throw new RejectedRow("is not a JSON object");
        }
        JsonObject row = element.getAsJsonObject();
        String path = text(row, "path", MAX_PATH);
        if (path == null) {
            throw new RejectedRow("path is missing");
        }
        path = withoutQuery(path);
        String ipText = text(row, "ip_address", 64);
        InetAddress ip = IpAddresses.parse(ipText);
        return new IncomingRow(
                createdAt(row),
                text(row, "hostname", MAX_HOSTNAME),
                ip == null ? null : IpAddresses.canonical(ipText, ip),
                ip,
                path,
                text(row, "route", MAX_ROUTE),
                method(row),
                status(row),
                responseTime(row),
                text(row, "user_agent", MAX_USER_AGENT),
                text(row, "user_id", MAX_USER_ID),
                referrer(row));
    }

    private static String referrer(JsonObject row) throws RejectedRow {
        String referrer = text(row, "referrer", MAX_REFERRER);
        return referrer != null ? referrer : text(row, "referer", MAX_REFERRER);
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

    private Instant createdAt(JsonObject row) throws RejectedRow {
        JsonElement value = row.get("created_at");
        Instant now = clock.instant();
        if (value == null || value.isJsonNull()) {
            return now; // the time of arrival is the best estimate left
        }
        if (!value.isJsonPrimitive()) {
            throw new RejectedRow("created_at must be a timestamp string");
        }
        JsonPrimitive primitive = value.getAsJsonPrimitive();
        Instant instant;
        if (primitive.isNumber()) {
            instant = Timestamps.fromEpoch(primitive.getAsDouble());
        } else if (primitive.isString()) {
            instant = primitive.getAsString().isBlank() ? now : Timestamps.parse(primitive.getAsString());
        } else {
            instant = null;
        }
        if (instant == null) {
            throw new RejectedRow("created_at is not a timestamp: '" + abbreviate(primitive.getAsString()) + "'");
        }
        if (instant.isBefore(EARLIEST)) {
            throw new RejectedRow("created_at is before 2000: " + instant);
        }
        if (instant.isAfter(now.plus(ALLOWED_CLOCK_SKEW))) {
            throw new RejectedRow("created_at is more than a day in the future: " + instant);
        }
        return instant;
    }

    private static String method(JsonObject row) throws RejectedRow {
        JsonElement value = row.get("method");
        if (value == null || value.isJsonNull()) {
            throw new RejectedRow("method is missing");
        }
        if (!value.isJsonPrimitive()) {
            throw new RejectedRow("method must be a string");
        }
        JsonPrimitive primitive = value.getAsJsonPrimitive();
        if (primitive.isNumber()) {
            double id = primitive.getAsDouble();
            if (id >= 0 && id < MethodIds.COUNT && id == Math.rint(id)) {
                return MethodIds.name((int) id);
            }
            throw new RejectedRow("method id " + abbreviate(primitive.getAsString()) + " is not 0-8");
        }
        String method = primitive.getAsString().trim().toUpperCase(Locale.ROOT);
        if (!METHOD.matcher(method).matches()) {
            throw new RejectedRow("method is not an HTTP method: '" + abbreviate(method) + "'");
        }
        return method;
    }

    private static int status(JsonObject row) throws RejectedRow {
        double status = number(row, "status");
        if (status != Math.rint(status) || status < 100 || status > 999) {
            throw new RejectedRow("status must be a whole number from 100 to 999, was " + format(status));
        }
        return (int) status;
    }

    private static double responseTime(JsonObject row) throws RejectedRow {
        double millis = number(row, "response_time");
        if (millis < 0 || millis > LONGEST_RESPONSE.toMillis()) {
            throw new RejectedRow("response_time must be 0 to " + LONGEST_RESPONSE.toMillis() + " ms, was " + format(millis));
        }
        return millis;
    }

    private static double number(JsonObject row, String name) throws RejectedRow {
        JsonElement value = row.get(name);
        if (value == null || value.isJsonNull()) {
            throw new RejectedRow(name + " is missing");
        }
        if (value.isJsonPrimitive()) {
            JsonPrimitive primitive = value.getAsJsonPrimitive();
            try {
                double number = primitive.isNumber() || primitive.isString()
                        ? Double.parseDouble(primitive.getAsString().trim())
                        : Double.NaN;
                if (Double.isFinite(number)) {
                    return number;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new RejectedRow(name + " must be a number");
    }

    /** A string field: trimmed, NUL-free, capped, {@code null} when absent or empty; numbers and booleans become text. */
    private static String text(JsonObject row, String name, int maxLength) throws RejectedRow {
        JsonElement value = row.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive()) {
            throw new RejectedRow(name + " must be a string");
        }
        return clean(value.getAsJsonPrimitive().getAsString(), maxLength);
    }

    static String clean(String raw, int maxLength) {
        String text = raw.indexOf('\0') >= 0 ? raw.replace("\0", "") : raw;
        text = text.strip();
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

    private static String format(double number) {
        return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number) : Double.toString(number);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
