package dev.apianalytics.core;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The body of one upload, exactly as {@code POST /api/log-request} expects it: the family's
 * fields plus our {@code route} and a {@code response_time} in milliseconds with microsecond
 * precision.
 */
public final class WireFormat {

    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private WireFormat() {}

    /** Writes one batch as UTF-8 JSON; the stream is flushed, not closed. */
    public static void write(OutputStream out, String apiKey, String framework, PrivacyLevel privacyLevel,
            List<RequestRecord> records) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        JsonWriter json = new JsonWriter(writer);
        json.setSerializeNulls(true);
        json.beginObject();
        json.name("api_key").value(apiKey);
        json.name("framework").value(framework);
        json.name("privacy_level").value(privacyLevel.level());
        json.name("requests").beginArray();
        for (RequestRecord record : records) {
            writeRecord(json, record);
        }
        json.endArray();
        json.endObject();
        json.flush();
    }

    /** One batch as a UTF-8 JSON string, for tests and tools. */
    public static String toJson(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            write(out, apiKey, framework, privacyLevel, records);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Milliseconds with three decimals, never in exponent notation: 153 µs is {@code 0.153}. */
    public static String milliseconds(long micros) {
        long whole = micros / 1000;
        int fraction = (int) (micros % 1000);
        char[] digits = {'.', (char) ('0' + fraction / 100), (char) ('0' + fraction / 10 % 10), (char) ('0' + fraction % 10)};
        return whole + new String(digits);
    }

    /** RFC 3339 UTC with milliseconds, such as {@code 2026-11-26T08:15:30.123Z}. */
    public static String createdAt(long epochMillis) {
        return CREATED_AT.format(Instant.ofEpochMilli(epochMillis));
    }

    private static void writeRecord(JsonWriter json, RequestRecord record) throws IOException {
        json.beginObject();
        json.name("hostname").value(record.hostname());
        json.name("ip_address").value(record.ipAddress());
        json.name("path").value(record.path());
        json.name("user_agent").value(record.userAgent());
        json.name("method").value(record.method());
        json.name("status").value(record.status());
        json.name("response_time").jsonValue(milliseconds(record.responseTimeMicros()));
        json.name("user_id").value(record.userId());
        json.name("created_at").value(createdAt(record.createdAtEpochMillis()));
        if (record.route() != null) {
            json.name("route").value(record.route());
        }
        json.endObject();
    }
}
