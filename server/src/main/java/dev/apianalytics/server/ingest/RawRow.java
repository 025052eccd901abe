package dev.apianalytics.server.ingest;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;

/**
 * One element of {@code requests} as read from the stream: the fields the collector knows, each
 * with its JSON kind and text, in an array rather than a tree (ingestion reads millions of them).
 * Unknown fields are skipped; a nested value is kept only as "a structure", which no field accepts.
 */
final class RawRow {

    enum Kind { STRING, NUMBER, BOOLEAN, NULL, STRUCTURE }

    record Value(Kind kind, String text) {}

    enum Field { HOSTNAME, IP_ADDRESS, PATH, ROUTE, USER_AGENT, METHOD, STATUS, RESPONSE_TIME, USER_ID, CREATED_AT, REFERRER, REFERER }

    private static final Value NULL = new Value(Kind.NULL, null);
    private static final Value STRUCTURE = new Value(Kind.STRUCTURE, null);

    private final Value[] values;

    private RawRow(Value[] values) {
        this.values = values;
    }

    /** Whether the element was a JSON object at all. */
    boolean isObject() {
        return values != null;
    }

    /** The field's value, or {@code null} when absent. */
    Value get(Field field) {
        return values[field.ordinal()];
    }

    /** Reads the next value of {@code json}, whatever it is. */
    static RawRow read(JsonReader json) throws IOException {
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
            json.skipValue();
            return new RawRow(null);
        }
        Value[] values = new Value[Field.values().length];
        json.beginObject();
        while (json.hasNext()) {
            Field field = field(json.nextName());
            if (field == null) {
                json.skipValue();
            } else {
                values[field.ordinal()] = value(json);
            }
        }
        json.endObject();
        return new RawRow(values);
    }

    private static Value value(JsonReader json) throws IOException {
        return switch (json.peek()) {
            case STRING -> new Value(Kind.STRING, json.nextString());
            case NUMBER -> new Value(Kind.NUMBER, json.nextString());
            case BOOLEAN -> new Value(Kind.BOOLEAN, Boolean.toString(json.nextBoolean()));
            case NULL -> {
                json.nextNull();
                yield NULL;
            }
            default -> {
                json.skipValue();
                yield STRUCTURE;
            }
        };
    }

    private static Field field(String name) {
        return switch (name) {
            case "hostname" -> Field.HOSTNAME;
            case "ip_address" -> Field.IP_ADDRESS;
            case "path" -> Field.PATH;
            case "route" -> Field.ROUTE;
            case "user_agent" -> Field.USER_AGENT;
            case "method" -> Field.METHOD;
            case "status" -> Field.STATUS;
            case "response_time" -> Field.RESPONSE_TIME;
            case "user_id" -> Field.USER_ID;
            case "created_at" -> Field.CREATED_AT;
            case "referrer" -> Field.REFERRER;
            case "referer" -> Field.REFERER;
            default -> null;
        };
    }
}
