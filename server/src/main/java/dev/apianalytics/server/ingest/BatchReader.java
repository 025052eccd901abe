package dev.apianalytics.server.ingest;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.apianalytics.server.http.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an ingestion body with a strict streaming parser: the envelope fields, and each element
 * of {@code requests} as a separate tree so one odd row cannot spoil the others. Unknown fields
 * are ignored. A body that is not JSON is a 400; more rows than allowed is a 413.
 */
final class BatchReader {

    /** The envelope, fields as sent (validated by the handler). */
    record Batch(String apiKey, JsonElement framework, JsonElement privacyLevel, List<RawRow> rows, boolean hasRequests) {}

    private BatchReader() {}

    static Batch read(byte[] body, int maxRows) {
        try (JsonReader json = new JsonReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
            json.setStrictness(Strictness.STRICT);
            json.setNestingLimit(64);
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw ApiException.badRequest("the body must be a JSON object with api_key, framework and requests");
            }
            String apiKey = null;
            JsonElement framework = null;
            JsonElement privacyLevel = null;
            List<RawRow> rows = new ArrayList<>();
            boolean hasRequests = false;
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                switch (name) {
                    case "api_key" -> {
                        JsonElement key = JsonParser.parseReader(json);
                        apiKey = key.isJsonPrimitive() ? key.getAsString() : null;
                        if (apiKey == null && !key.isJsonNull()) {
                            throw ApiException.badRequest("api_key must be a string");
                        }
                    }
                    case "framework" -> framework = JsonParser.parseReader(json);
                    case "privacy_level" -> privacyLevel = JsonParser.parseReader(json);
                    case "requests" -> {
                        hasRequests = true;
                        if (json.peek() != JsonToken.BEGIN_ARRAY) {
                            throw ApiException.badRequest("requests must be an array of request objects");
                        }
                        json.beginArray();
                        while (json.hasNext()) {
                            if (rows.size() >= maxRows) {
                                throw new ApiException(413, "a post may carry at most " + maxRows
                                        + " requests; send smaller batches");
                            }
                            rows.add(RawRow.read(json));
                        }
                        json.endArray();
                    }
                    default -> json.skipValue();
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw ApiException.badRequest("unexpected content after the JSON object");
            }
            return new Batch(apiKey, framework, privacyLevel, rows, hasRequests);
        } catch (JsonParseException | IOException | IllegalStateException | NumberFormatException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + describe(e));
        } catch (StackOverflowError e) {
            throw ApiException.badRequest("the body is nested too deeply");
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("com.google") ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int see = message.indexOf("\nSee ");
        if (see >= 0) {
            message = message.substring(0, see);
        }
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
