package dev.apianalytics.server.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * One row as read from the stream, an element of {@code requests} (an object) or of a compact
 * batch's {@code rows} (an array read by its {@code columns}): the fields the collector knows,
 * each with its JSON kind and text, in an array rather than a tree (ingestion reads millions of
 * them). One instance is refilled for every row. Unknown fields are skipped unread; a nested
 * value is kept only as "a structure", which no field accepts.
 */
final class RawRow {

    enum Kind { STRING, NUMBER, BOOLEAN, NULL, STRUCTURE }

    record Value(Kind kind, String text) {}

    enum Field {
        HOSTNAME(true), IP_ADDRESS(true), PATH(true), ROUTE(true), USER_AGENT(true), METHOD(true), STATUS(false),
        RESPONSE_TIME(false), USER_ID(true), CREATED_AT(false), REFERRER(true), REFERER(true);

        /** Whether a compact row's whole number in this column stands for an entry of the batch's {@code strings}. */
        final boolean text;

        Field(boolean text) {
            this.text = text;
        }
    }

    /** More fields than any client sends: such a row is rejected (its fields are still skipped, unread). */
    static final int MAX_FIELDS = 256;

    private static final Value NULL = new Value(Kind.NULL, null);
    private static final Value STRUCTURE = new Value(Kind.STRUCTURE, null);
    private static final Value TRUE = new Value(Kind.BOOLEAN, "true");
    private static final Value FALSE = new Value(Kind.BOOLEAN, "false");

    private final Value[] values = new Value[Field.values().length];
    private int fields;
    private String problem;

    /** The field's value, or {@code null} when absent. */
    Value get(Field field) {
        return values[field.ordinal()];
    }

    /** How many fields the object had, known or not. */
    int fields() {
        return fields;
    }

    /** Why the row cannot be read as sent (a reference past the batch's strings, say), or {@code null}. */
    String problem() {
        return problem;
    }

    /** Reads the object whose {@code START_OBJECT} {@code json} is on, up to its {@code END_OBJECT}. */
    void read(JsonParser json) throws IOException {
        clear();
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

    /**
     * Reads the array whose {@code START_ARRAY} {@code json} is on, up to its {@code END_ARRAY}: the
     * n-th value is the n-th of {@code columns} ({@code null} for a column the collector does not
     * know), and a whole number in a text column is the entry of {@code strings} at that index.
     */
    void readArray(JsonParser json, Field[] columns, StringTable strings) throws IOException {
        clear();
        JsonToken token;
        while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
            Field field = fields < columns.length ? columns[fields] : null;
            fields++;
            if (field == null) {
                skip(json, token);
            } else if (field.text && token == JsonToken.VALUE_NUMBER_INT) {
                values[field.ordinal()] = reference(json.getText(), field, strings);
            } else {
                values[field.ordinal()] = value(json, token);
            }
        }
        if (fields > columns.length && problem == null) {
            problem = "has " + fields + " values for " + columns.length + " columns";
        }
    }

    private Value reference(String digits, Field field, StringTable strings) {
        int index = digits.length() <= 9 ? Integer.parseInt(digits) : -1;
        if (index >= 0 && index < strings.size()) {
            return strings.refer(index);
        }
        if (problem == null) {
            problem = field.name().toLowerCase(Locale.ROOT) + " refers to string " + digits + " but the batch has "
                    + strings.size() + " strings";
        }
        return NULL;
    }

    private void clear() {
        Arrays.fill(values, null);
        fields = 0;
        problem = null;
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

    /** The field a name stands for, or {@code null} for one the collector does not know. */
    static Field field(String name) {
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
