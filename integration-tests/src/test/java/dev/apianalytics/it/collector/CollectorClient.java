package dev.apianalytics.it.collector;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Real HTTP to a collector: keys, ingestion posts and the data API. */
final class CollectorClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer: status and body text. */
    record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final String baseUrl;

    CollectorClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    String newKey() throws IOException, InterruptedException {
        Answer answer = send(HttpRequest.newBuilder(uri("/api/generate-api-key")).POST(HttpRequest.BodyPublishers.noBody()));
        if (answer.status() != 200) {
            throw new IllegalStateException("key generation answered " + answer.status() + ": " + answer.body());
        }
        return JsonParser.parseString(answer.body()).getAsString();
    }

    /** Posts {@code rows} rows whose paths are {@code /<batchId>/<i>} and whose user id is {@code batchId}. */
    Answer postBatch(String key, String batchId, int rows, boolean gzip) throws IOException, InterruptedException {
        byte[] body = batch(key, batchId, rows).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/log-request")).header("Content-Type", "application/json");
        if (gzip) {
            body = gzip(body);
            request.header("Content-Encoding", "gzip");
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static String batch(String key, String batchId, int rows) {
        String createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        StringBuilder json = new StringBuilder(rows * 260 + 100);
        json.append("{\"api_key\":\"").append(key).append("\",\"framework\":\"Javalin\",\"privacy_level\":0,\"requests\":[");
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"hostname\":\"api.example.com\",\"ip_address\":\"203.0.113.").append(i % 250)
                    .append("\",\"path\":\"/").append(batchId).append('/').append(i)
                    .append("\",\"route\":\"/items/{id}\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\",")
                    .append("\"method\":\"GET\",\"status\":200,\"response_time\":1.25,\"user_id\":\"").append(batchId)
                    .append("\",\"created_at\":\"").append(createdAt).append("\"}");
        }
        return json.append("]}").toString();
    }

    /** {@code X-Total-Count} of {@code GET /api/data} with the given query (no leading {@code ?}). */
    long count(String key, String query) throws IOException, InterruptedException {
        Answer answer = get("/api/data?page=1000000" + (query.isEmpty() ? "" : "&" + query), key);
        if (answer.status() != 200) {
            throw new IllegalStateException("data API answered " + answer.status() + ": " + answer.body());
        }
        return Long.parseLong(answer.header("X-Total-Count"));
    }

    long countUser(String key, String userId) throws IOException, InterruptedException {
        return count(key, "user_id=" + URLEncoder.encode(userId, StandardCharsets.UTF_8));
    }

    /** The rows of a user id, as the data API returns them. */
    JsonArray rowsOfUser(String key, String userId) throws IOException, InterruptedException {
        Answer answer = get("/api/data?user_id=" + URLEncoder.encode(userId, StandardCharsets.UTF_8), key);
        if (answer.status() != 200) {
            throw new IllegalStateException("data API answered " + answer.status() + ": " + answer.body());
        }
        return JsonParser.parseString(answer.body()).getAsJsonArray();
    }

    Answer get(String pathAndQuery, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
        if (key != null) {
            request.header("X-AUTH-TOKEN", key);
        }
        return send(request);
    }

    Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request, Duration.ofSeconds(30));
    }

    Answer send(HttpRequest.Builder request, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    private URI uri(String pathAndQuery) {
        return URI.create(baseUrl + pathAndQuery);
    }

    static byte[] gzip(byte[] raw) {
        var out = new ByteArrayOutputStream();
        try (var zip = new GZIPOutputStream(out)) {
            zip.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static List<String> paths(JsonArray rows) {
        return rows.asList().stream().map(row -> row.getAsJsonObject().get("path").getAsString()).sorted().toList();
    }
}
