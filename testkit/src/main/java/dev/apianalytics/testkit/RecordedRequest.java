package dev.apianalytics.testkit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One element of a posted {@code requests} array, with the batch it came in. Accessors return
 * the posted values: a JSON {@code null} or an absent field reads as {@code null}.
 */
public final class RecordedRequest {

    private final JsonObject json;
    private final String apiKey;
    private final String framework;
    private final int privacyLevel;

    RecordedRequest(JsonObject json, String apiKey, String framework, int privacyLevel) {
        this.json = json;
        this.apiKey = apiKey;
        this.framework = framework;
        this.privacyLevel = privacyLevel;
    }

    /** The record's JSON object exactly as posted. */
    public JsonObject json() {
        return json.deepCopy();
    }

    public String apiKey() {
        return apiKey;
    }

    public String framework() {
        return framework;
    }

    public int privacyLevel() {
        return privacyLevel;
    }

    public String hostname() {
        return string("hostname");
    }

    public String ipAddress() {
        return string("ip_address");
    }

    public String path() {
        return string("path");
    }

    /** Our {@code route} field: the matched route template, {@code null} when not sent. */
    public String route() {
        return string("route");
    }

    public String userAgent() {
        return string("user_agent");
    }

    public String method() {
        return string("method");
    }

    public int status() {
        JsonElement value = json.get("status");
        return value == null || value.isJsonNull() ? -1 : value.getAsInt();
    }

    /** {@code response_time} in milliseconds, with the precision posted. */
    public BigDecimal responseTimeMillis() {
        JsonElement value = json.get("response_time");
        return value == null || value.isJsonNull() ? null : value.getAsBigDecimal();
    }

    public String userId() {
        return string("user_id");
    }

    /** {@code created_at} as posted. */
    public String createdAtText() {
        return string("created_at");
    }

    /** {@code created_at} parsed as an ISO-8601 instant. */
    public Instant createdAt() {
        String text = createdAtText();
        return text == null ? null : Instant.parse(text);
    }

    private String string(String field) {
        JsonElement value = json.get(field);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    @Override
    public String toString() {
        return framework + "/" + privacyLevel + " " + json;
    }
}
