package dev.apianalytics.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.ingest.RawRow.Field;
import dev.apianalytics.server.ingest.RawRow.Kind;
import dev.apianalytics.server.ingest.RawRow.Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ingestion body with a strict streaming parser whose every string, name, number, depth
 * and the document itself are bounded while reading, so no hostile body can make it build a
 * large value: the envelope fields, and each element of {@code requests} validated as it passes
 * (one odd row is rejected alone and counted). Unknown fields are skipped unread. Not JSON, or
 * past a parsing bound, is a 400; a longer string or more rows than allowed is a 413.
 *
 * <p>Our own clients send the compact form once the collector offered it
 * ({@link IngestHandler#FORMATS_HEADER}): {@code columns} names the fields once, {@code strings}
 * holds each distinct text once, and every element of {@code rows} is an array of values in the
 * columns' order, where a whole number in a text column is an index into {@code strings}. Both
 * come once and before {@code rows}, so that rows are still read as they pass, and {@code rows}
 * once, never beside {@code requests}.
 */
final class BatchReader {

    /** Fields are cut to 2,048 characters at most: a string far past that is refused, not built. */
    static final int MAX_STRING_CHARS = 64 * 1024;
    static final int MAX_NAME_CHARS = 1024;
    static final int MAX_NUMBER_CHARS = 100;
    static final int MAX_DEPTH = 64;
    static final int MAX_ENVELOPE_FIELDS = 256;
    private static final int REPORTED_ERRORS = 20;
    private static final long RESERVATION_STEP = 1024 * 1024;
    static final int MAX_COLUMNS = 64;
    /** Text fields a row may name strings for: at most this many distinct strings per row are of use. */
    private static final int TEXT_FIELDS = (int) Arrays.stream(RawRow.Field.values()).filter(f -> f.text).count();
    private static final String BOTH_FORMS = "a batch carries one array of rows: requests or rows, once";
    /** A kept string's objects beside its characters: the value, the string and their headers. */
    private static final int STRING_OBJECTS_BYTES = 64;

    /**
     * The envelope, fields as sent (validated by the handler), and the rows already validated;
     * {@code compact} when they came as compact {@code rows}.
     */
    record Batch(String apiKey, Value framework, Value privacyLevel, boolean hasRequests, boolean compact,
            List<IncomingRow> accepted, int rejected, List<Map<String, Object>> errors) {}

    private final JsonFactory factory;
    private final RowParser parser;
    private final int maxRows;

    BatchReader(RowParser parser, int maxRows, long maxDocumentChars) {
        this.parser = parser;
        this.maxRows = maxRows;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_CHARS)
                        .maxNameLength(MAX_NAME_CHARS)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .maxNestingDepth(MAX_DEPTH)
                        .maxDocumentLength(maxDocumentChars)
                        .build())
                // hostile bodies carry endless distinct names: keep none of them in tables or interned
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    /**
     * Reads {@code body} as UTF-8 (malformed bytes become U+FFFD, as they would in any lenient
     * reader); an {@link ApiException} the stream throws (a decoding cap) passes unchanged. The
     * rows kept are reserved in {@code memory} as they accumulate. A compact batch's strings,
     * counted once and again for each row that names them, may come to {@code maxTextChars}
     * characters (413 past it).
     */
    Batch read(InputStream body, long maxTextChars, MemoryBudget.Reservation memory) {
        try (JsonParser json = factory.createParser(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the body must be a JSON object with api_key, framework and requests");
            }
            String apiKey = null;
            Value framework = null;
            Value privacyLevel = null;
            boolean hasRequests = false;
            Field[] columns = null;
            boolean hasStrings = false;
            boolean compactRows = false;
            var strings = new StringTable((long) maxRows * TEXT_FIELDS, maxTextChars);
            var rows = new Rows(memory);
            int fields = 0;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                if (++fields > MAX_ENVELOPE_FIELDS) {
                    throw ApiException.badRequest("the body has more than " + MAX_ENVELOPE_FIELDS + " fields");
                }
                String name = json.currentName();
                JsonToken token = json.nextToken();
                switch (name) {
                    case "api_key" -> {
                        Value key = RawRow.value(json, token);
                        if (key.kind() == Kind.STRUCTURE) {
                            throw ApiException.badRequest("api_key must be a string");
                        }
                        apiKey = key.text();
                    }
                    case "framework" -> framework = RawRow.value(json, token);
                    case "privacy_level" -> privacyLevel = RawRow.value(json, token);
                    case "requests" -> {
                        if (compactRows) {
                            throw ApiException.badRequest(BOTH_FORMS);
                        }
                        hasRequests = true;
                        if (token != JsonToken.START_ARRAY) {
                            throw ApiException.badRequest("requests must be an array of request objects");
                        }
                        readRows(json, rows, (row, element) -> {
                            if (element != JsonToken.START_OBJECT) {
                                RawRow.skip(json, element);
                                throw new RejectedRow("is not a JSON object");
                            }
                            row.read(json);
                        });
                    }
                    case "columns" -> {
                        requireBeforeRows("columns", columns != null, compactRows);
                        columns = columns(json, token);
                    }
                    case "strings" -> {
                        requireBeforeRows("strings", hasStrings, compactRows);
                        hasStrings = true;
                        strings(json, token, strings, rows);
                    }
                    case "rows" -> {
                        if (hasRequests) {
                            throw ApiException.badRequest(BOTH_FORMS);
                        }
                        hasRequests = true;
                        compactRows = true;
                        Field[] names = columns;
                        if (names == null) {
                            throw ApiException.badRequest("columns must come before rows");
                        }
                        if (token != JsonToken.START_ARRAY) {
                            throw ApiException.badRequest("rows must be an array of arrays");
                        }
                        readRows(json, rows, (row, element) -> {
                            if (element != JsonToken.START_ARRAY) {
                                RawRow.skip(json, element);
                                throw new RejectedRow("is not a JSON array");
                            }
                            row.readArray(json, names, strings);
                        });
                    }
                    default -> RawRow.skip(json, token);
                }
            }
            if (json.nextToken() != null) {
                throw ApiException.badRequest("unexpected content after the JSON object");
            }
            return new Batch(apiKey, framework, privacyLevel, hasRequests, compactRows, rows.accepted, rows.rejected, rows.errors);
        } catch (StreamConstraintsException e) {
            String limit = e.getOriginalMessage().replaceAll(", from `?[A-Za-z.()]*`?\\)", ")");
            if (limit.contains("nesting depth")) {
                throw ApiException.badRequest("the body is nested too deeply: " + limit);
            }
            throw new ApiException(413, "the body is past a limit of this collector: " + limit);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + abbreviate(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + abbreviate(String.valueOf(e.getMessage())));
        }
    }

    /** Fills a row from the stream, which is on the row's first token. */
    private interface RowSource {
        void fill(RawRow row, JsonToken first) throws IOException, RejectedRow;
    }

    /** The rows read so far, over every array of rows in the body, with the memory they hold. */
    private static final class Rows {
        final List<IncomingRow> accepted = new ArrayList<>();
        final List<Map<String, Object>> errors = new ArrayList<>();
        final MemoryBudget.Reservation memory;
        final RawRow row = new RawRow();
        int rejected;
        long kept;

        Rows(MemoryBudget.Reservation memory) {
            this.memory = memory;
            this.kept = memory.heldBytes(); // the wire body and the parser's buffers, then the rows
        }

        int count() {
            return accepted.size() + rejected;
        }

        void hold(long bytes) {
            kept += bytes;
            if (kept > memory.heldBytes()) {
                memory.grow(Math.max(RESERVATION_STEP, kept - memory.heldBytes()));
            }
        }
    }

    private void readRows(JsonParser json, Rows rows, RowSource source) throws IOException {
        JsonToken token;
        while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
            int index = rows.count(); // across repeated arrays of rows too
            if (index >= maxRows) {
                throw new ApiException(413, "a post may carry at most " + maxRows + " requests; send smaller batches");
            }
            try {
                source.fill(rows.row, token);
                IncomingRow valid = parser.parse(rows.row);
                rows.accepted.add(valid);
                rows.hold(valid.approximateBytes());
            } catch (RejectedRow e) {
                rows.rejected++;
                if (rows.errors.size() < REPORTED_ERRORS) {
                    Map<String, Object> error = new LinkedHashMap<>();
                    error.put("row", index);
                    error.put("message", e.getMessage());
                    rows.errors.add(error);
                }
            }
        }
    }

    /** Rows are read as they pass, by the columns and strings before them: a second or a late table would mean other rows. */
    private static void requireBeforeRows(String name, boolean given, boolean afterRows) {
        if (given) {
            throw ApiException.badRequest(name + " may be given only once");
        }
        if (afterRows) {
            throw ApiException.badRequest(name + " must come before rows");
        }
    }

    /** A compact batch's column names, in the order of each row's values; unknown names are kept as {@code null}. */
    private static Field[] columns(JsonParser json, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("columns must be an array of field names");
        }
        var columns = new ArrayList<Field>();
        while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.VALUE_STRING) {
                throw ApiException.badRequest("columns must be an array of field names");
            }
            if (columns.size() == MAX_COLUMNS) {
                throw ApiException.badRequest("columns names more than " + MAX_COLUMNS + " fields");
            }
            columns.add(RawRow.field(json.getText()));
        }
        return columns.toArray(new Field[0]);
    }

    /**
     * A compact batch's texts, which its rows name by index. They are held in memory for the
     * whole post, so each counts towards the post's reservation; the table bounds their number
     * and the text they stand for.
     */
    private void strings(JsonParser json, JsonToken token, StringTable strings, Rows rows) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("strings must be an array of strings");
        }
        while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.VALUE_STRING) {
                throw ApiException.badRequest("strings must be an array of strings");
            }
            String text = json.getText();
            strings.add(text);
            rows.hold(STRING_OBJECTS_BYTES + 2L * text.length());
        }
    }

    private static String abbreviate(String message) {
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
