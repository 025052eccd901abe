package dev.apianalytics.server.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.ingest.RawRow.Kind;
import dev.apianalytics.server.ingest.RawRow.Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ingestion body with a strict streaming parser whose every string, name, number, depth
 * and the document itself are bounded while reading, so no hostile body can make it build a
 * large value: the envelope fields, and each element of {@code requests} validated as it passes
 * (one odd row is rejected alone and counted). Unknown fields are skipped unread. Not JSON, or
 * past a parsing bound, is a 400; a longer string or more rows than allowed is a 413.
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

    /** The envelope, fields as sent (validated by the handler), and the rows already validated. */
    record Batch(String apiKey, Value framework, Value privacyLevel, boolean hasRequests, List<IncomingRow> accepted,
            int rejected, List<Map<String, Object>> errors) {}

    private final JsonFactory factory;
    private final RowParser rows;
    private final int maxRows;

    BatchReader(RowParser rows, int maxRows, long maxDocumentChars) {
        this.rows = rows;
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
     * rows kept are reserved in {@code memory} as they accumulate.
     */
    Batch read(InputStream body, MemoryBudget.Reservation memory) {
        try (JsonParser json = factory.createParser(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("the body must be a JSON object with api_key, framework and requests");
            }
            String apiKey = null;
            Value framework = null;
            Value privacyLevel = null;
            boolean hasRequests = false;
            var accepted = new ArrayList<IncomingRow>();
            var errors = new ArrayList<Map<String, Object>>();
            int rejected = 0;
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
                        hasRequests = true;
                        if (token != JsonToken.START_ARRAY) {
                            throw ApiException.badRequest("requests must be an array of request objects");
                        }
                        var row = new RawRow();
                        long kept = memory.heldBytes(); // the wire body and the parser's buffers, then the rows
                        while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
                            int index = accepted.size() + rejected; // across repeated "requests" too
                            if (index >= maxRows) {
                                throw new ApiException(413, "a post may carry at most " + maxRows + " requests; send smaller batches");
                            }
                            try {
                                IncomingRow valid = parseRow(row, json, token);
                                accepted.add(valid);
                                kept += valid.approximateBytes();
                                if (kept > memory.heldBytes()) {
                                    memory.grow(Math.max(RESERVATION_STEP, kept - memory.heldBytes()));
                                }
                            } catch (RejectedRow e) {
                                rejected++;
                                if (errors.size() < REPORTED_ERRORS) {
                                    Map<String, Object> error = new LinkedHashMap<>();
                                    error.put("row", index);
                                    error.put("message", e.getMessage());
                                    errors.add(error);
                                }
                            }
                        }
                    }
                    default -> RawRow.skip(json, token);
                }
            }
            if (json.nextToken() != null) {
                throw ApiException.badRequest("unexpected content after the JSON object");
            }
            return new Batch(apiKey, framework, privacyLevel, hasRequests, accepted, rejected, errors);
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

    private IncomingRow parseRow(RawRow row, JsonParser json, JsonToken token) throws IOException, RejectedRow {
        if (token != JsonToken.START_OBJECT) {
            RawRow.skip(json, token);
            throw new RejectedRow("is not a JSON object");
        }
        row.read(json);
        return rows.parse(row);
    }

    private static String abbreviate(String message) {
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
