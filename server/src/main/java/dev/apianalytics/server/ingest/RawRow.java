package dev.apianalytics.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * One element of {@code requests} as read from the stream: the fields the collector knows, each
 * with its JSON kind and text, in an array rather than a tree (ingestion reads millions of them).
 * One instance is refilled for every row. Unknown fields are skipped unread; a nested value is
 * kept only as "a structure", which no field accepts.
 */
final class RawRow {

    enum Kind { STRING, NUMBER, BOOLEAN, NULL, STRUCTURE }

    record Value(Kind kind, String text) {}

    enum Field { HOSTNAME, IP_ADDRESS, PATH, ROUTE, USER_AGENT, METHOD, STATUS, RESPONSE_TIME, USER_ID, CREATED_AT, REFERRER, REFERER }

    /** More fields than any client sends: such a row is rejected (its fields are still skipped, unread). */
    static final int MAX_FIELDS = 256;

    private static final Value NULL = new Value(Kind.NULL, null);
    private static final Value STRUCTURE = new Value(Kind.STRUCTURE, null);
    private static final Value TRUE = new Value(Kind.BOOLEAN, "true");
    private static final Value FALSE = new Value(Kind.BOOLEAN, "false");

    private final Value[] values = new Value[Field.values().length];
    private int fields;

    /** The field's value, or {@code null} when absent. */
    Value get(Field field) {
        return values[field.ordinal()];
    }

    /** How many fields the object had, known or not. */
    int fields() {
        return fields;
    }

    /** Reads the object whose {@code START_OBJECT} {@code json} is on, up to its {@code END_OBJECT}. */
    void read(JsonParser json) throws IOException {
        Arrays.fill(values, null);
        fields = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            fields++;
            Field field = field(json.currentName());
            JsonToken token = json.nextToken();
            if (field == null) {
                skip(json, token);
            } else {
                values[field.ordinal()] = value(json, token);
            }
        }
    }

    /** The value {@code json} is on, as kind and text; a structure is skipped. */
    static Value value(JsonParser json, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> new Value(Kind.STRING, json.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Value(Kind.NUMBER, json.getText());
            case VALUE_TRUE -> TRUE;
            case VALUE_FALSE -> FALSE;
            case VALUE_NULL -> NULL;
            default -> {
                skip(json, token);
                yield STRUCTURE;
            }
        };
    }

    /**
     * Skips the value {@code json} is on. Unlike {@link JsonParser#skipChildren}, each string is
     * read, so that the parser's bound on string length applies: a huge string fails fast even
     * where nobody would look at it.
     */
    static void skip(JsonParser json, JsonToken token) throws IOException {
        int depth = 0;
        do {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            } else if (token == JsonToken.VALUE_STRING) {
                json.getTextLength();
            }
        } while (depth > 0 && (token = json.nextToken()) != null);
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
