package dev.apianalytics.testkit;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * One upload as the {@link RecordingCollector} received it.
 *
 * @param apiKey the posted {@code api_key}
 * @param framework the posted {@code framework}
 * @param privacyLevel the posted {@code privacy_level}
 * @param gzipped whether the body came with {@code Content-Encoding: gzip}
 * @param contentType the {@code Content-Type} header, or {@code null}
 * @param body the whole decoded JSON body, exactly as posted
 * @param requests the posted {@code requests}, in order
 */
public record Batch(
        String apiKey,
        String framework,
        int privacyLevel,
        boolean gzipped,
        String contentType,
        JsonObject body,
        List<RecordedRequest> requests) {}
