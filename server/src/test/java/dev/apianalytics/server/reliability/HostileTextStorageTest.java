package dev.apianalytics.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text that breaks naive storage code (lone surrogates, NUL, bytes that are not UTF-8, SQL,
 * CSV and COPY metacharacters, HTML) reaches both databases through ingestion: every row is
 * answered for honestly, every accepted row reads back, and printable text reads back as sent.
 */
class HostileTextStorageTest {

    /** Values that must read back unchanged, whatever the database's quoting rules. */
    private static final List<String> VERBATIM = List.of("'; DROP TABLE requests; --", "\",\"", "a\"b", "\\.", "\\N",
            "x\\.y", "$$ SELECT 1 $$", "<script>alert(1)</script>", "&lt;&#0;", "%00%ff", "日本語 \uD83D\uDE00",
            "line\nbreak", "cr\rlf\r\n", "tab\there", ",", "\\", "E'\\x00'", "\u202Eevil", "NULL");

    /** JSON escapes and raw bytes that are not valid text: stored as something, or the row rejected, never a 5xx. */
    private static final List<String> INVALID_ESCAPES = List.of("\\ud800", "\\udfff\\ud800", "a\\ud83d", "\\u0000x",
            "x\\u0000", "\\uFFFE\\uFFFF");

    private static final List<byte[]> INVALID_BYTES = List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});

    @ParameterizedTest
    @ValueSource(strings = {"duckdb", "postgresql"})
    void hostileTextIsStoredOrRejectedNeverFatal(String database, @TempDir Path dataDir) throws Exception {
        String url = database.equals("postgresql") ? TestEnvironment.freshPostgresSchemaUrl() : null;
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).databaseUrl(url).build())) {
            RawClient client = new RawClient(server.port());
            String key = client.send("GET", "/api/generate-api-key", List.of(), null).json().getAsString();
            String tag = UUID.randomUUID().toString().substring(0, 8);
            String fields = "path,hostname,user_agent,user_id,route,referrer";

            // one row per field and printable value, each findable by its own user id
            List<String> rows = new ArrayList<>();
            List<String[]> expected = new ArrayList<>();
            int n = 0;
            for (String field : fields.split(",")) {
                for (String value : VERBATIM) {
                    String userId = tag + "-v" + n++;
                    String stored = field.equals("user_id") ? userId + value : value;
                    rows.add(row(field.equals("user_id") ? "user_id" : field, json(stored), userId, field.equals("user_id")));
                    expected.add(new String[] {field, stored, userId});
                }
            }
            RawClient.Answer answer = post(client, key, rows);
            assertThat(answer.status()).as("%s", answer).isEqualTo(201);
            assertThat(answer.json().getAsJsonObject().get("accepted").getAsInt()).as("%s", answer).isEqualTo(rows.size());
            for (String[] row : expected) {
                if (!List.of("path", "hostname", "user_agent", "user_id").contains(row[0])) {
                    continue; // route and referrer are not in the data API's shape
                }
                String userId = row[0].equals("user_id") ? row[1].strip() : row[2];
                JsonArray found = client.send("GET", "/api/data?user_id=" + encode(userId), List.of("X-AUTH-TOKEN", key), null)
                        .json().getAsJsonArray();
                assertThat(found).as("%s = %s", row[0], row[1]).hasSize(1);
                JsonObject stored = found.get(0).getAsJsonObject();
                String expectedText = row[1].strip();
                if (row[0].equals("path")) {
                    expectedText = expectedText.split("[?#]", -1)[0]; // clients' query strings and fragments are cut
                }
                assertThat(stored.get(row[0]).getAsString()).as("%s read back", row[0]).isEqualTo(expectedText);
            }

            // invalid text, under a key of its own: each row answered for, whatever was accepted reads back
            key = client.send("GET", "/api/generate-api-key", List.of(), null).json().getAsString();
            List<byte[]> bodies = new ArrayList<>();
            for (String field : fields.split(",")) {
                for (String escape : INVALID_ESCAPES) {
                    bodies.add(envelope(key, List.of(row(field, "\"" + escape + "\"", tag + "-e", false)))
                            .getBytes(StandardCharsets.UTF_8));
                }
                for (byte[] bytes : INVALID_BYTES) {
                    var body = new ByteArrayOutputStream();
                    String[] parts = envelope(key, List.of(row(field, "\"@@\"", tag + "-b", false))).split("@@");
                    body.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
                    body.writeBytes(bytes);
                    body.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
                    bodies.add(body.toByteArray());
                }
            }
            long accepted = 0;
            for (byte[] body : bodies) {
                RawClient.Answer result = client.send("POST", "/api/log-request".getBytes(StandardCharsets.US_ASCII),
                        List.of("Content-Type", "application/json"), body);
                assertThat(result.status()).as("%s for %s", result, new String(body, StandardCharsets.ISO_8859_1))
                        .isIn(201, 400);
                JsonObject json = result.json().getAsJsonObject();
                assertThat(json.get("message").getAsString()).isNotBlank();
                if (result.status() == 201) {
                    assertThat(json.get("accepted").getAsInt() + json.get("rejected").getAsInt()).isEqualTo(1);
                    accepted += json.get("accepted").getAsInt();
                }
            }
            long readable = count(client, key, null);
            assertThat(readable).as("rows with invalid text that were accepted read back").isEqualTo(accepted);
            assertThat(client.send("GET", "/api/health", List.of(), null).status()).isEqualTo(200);
        } finally {
            if (url != null) {
                TestEnvironment.dropSchema(url);
            }
        }
    }

    private static long count(RawClient client, String key, String userId) {
        String filter = userId == null ? "" : "&user_id=" + encode(userId);
        RawClient.Answer answer = client.send("GET", "/api/data?page=1000" + filter, List.of("X-AUTH-TOKEN", key), null);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return Long.parseLong(answer.header("X-Total-Count"));
    }

    private static RawClient.Answer post(RawClient client, String key, List<String> rows) {
        return client.send("POST", "/api/log-request", List.of("Content-Type", "application/json"),
                envelope(key, rows).getBytes(StandardCharsets.UTF_8));
    }

    private static String envelope(String key, List<String> rows) {
        return "{\"api_key\":\"" + key + "\",\"framework\":\"Javalin\",\"requests\":[" + String.join(",", rows) + "]}";
    }

    /** A valid row with {@code field} set to the raw JSON {@code value}. */
    private static String row(String field, String value, String userId, boolean valueIsUserId) {
        var row = new com.google.gson.JsonObject();
        row.addProperty("hostname", "api.example.com");
        row.addProperty("path", "/ok");
        row.addProperty("user_agent", "curl/8.0");
        row.addProperty("method", "GET");
        row.addProperty("status", 200);
        row.addProperty("response_time", 2);
        row.addProperty("created_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        if (!valueIsUserId) {
            row.addProperty("user_id", userId);
        }
        row.remove(field);
        String text = row.toString();
        return text.substring(0, text.length() - 1) + ",\"" + field + "\":" + value + "}";
    }

    private static String json(String text) {
        return new com.google.gson.Gson().toJson(text);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
