package dev.apianalytics.server;

import static dev.apianalytics.server.CollectorProtocolTest.assertCreated;
import static dev.apianalytics.server.CollectorProtocolTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.WireFormat;
import dev.apianalytics.server.ingest.IngestHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compact form our uploader sends once the collector offers it: the same rows as the family's
 * JSON, stored alike, and every malformed part refused as clearly as in the JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompactBatchTest {

    @TempDir
    static Path dataDir;

    CollectorServer server;
    Http http;

    @BeforeAll
    void start() throws Exception {
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                .geoDatabase(TestEnvironment.geoDatabase()).build());
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everyAnswerToAPostOffersTheCompactForm() {
        String key = http.newKey();
        Http.Response created = http.post("/api/log-request", CollectorProtocolTest.batch(key, "Javalin",
                CollectorProtocolTest.row("/x", "GET", "200")));
        assertCreated(created, 1, 0);
        assertThat(IngestHandler.FORMATS_HEADER).as("the name our uploader reads").isEqualTo(WireFormat.FORMATS_HEADER);
        assertThat(created.header(WireFormat.FORMATS_HEADER)).isEqualTo(WireFormat.COMPACT);
        assertThat(http.post("/api/log-request", "{}").header(WireFormat.FORMATS_HEADER)).isEqualTo(WireFormat.COMPACT);
    }

    @Test
    void aCompactBatchIsStoredExactlyAsTheSameRecordsInTheFamilysJson() {
        List<RequestRecord> records = records();
        String viaJson = http.newKey();
        String viaCompact = http.newKey();

        assertCreated(http.postBytes("/api/log-request", Http.gzip(WireFormat.toJson(viaJson, "Javalin", PrivacyLevel.STORE_IP,
                records).getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "gzip"), records.size(), 0);
        assertCreated(http.postBytes("/api/log-request", Http.gzip(WireFormat.toCompactJson(viaCompact, "Javalin",
                PrivacyLevel.STORE_IP, records).getBytes(StandardCharsets.UTF_8)), "Content-Encoding", "gzip"), records.size(), 0);

        String stored = http.get("/api/data", "X-AUTH-TOKEN", viaJson).body();
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", viaCompact).body()).isEqualTo(stored);
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", viaCompact).json().getAsJsonArray()).hasSize(records.size());
        JsonObject first = http.get("/api/data", "X-AUTH-TOKEN", viaCompact).json().getAsJsonArray().get(0).getAsJsonObject();
        assertThat(first.get("location").getAsString()).isEqualTo("US");
    }

    @Test
    void aRowNamingAStringTheBatchDoesNotHaveIsRejectedAloneAndSaysWhy() {
        String key = http.newKey();
        String body = compact(key, "[\"/ok\",\"GET\",\"/bad\"]",
                "[0,1,200,1.5]", "[7,1,200,1.5]", "[2,1,200,1.5,\"extra\"]", "{\"path\":\"/x\"}", "[-1,1,200,1.5]");

        Http.Response response = http.post("/api/log-request", body);

        assertCreated(response, 1, 4);
        JsonObject answer = response.json().getAsJsonObject();
        assertThat(answer.getAsJsonArray("errors").get(0).getAsJsonObject().get("row").getAsInt()).isEqualTo(1);
        assertThat(answer.getAsJsonArray("errors").get(0).getAsJsonObject().get("message").getAsString())
                .isEqualTo("path refers to string 7 but the batch has 3 strings");
        assertThat(answer.getAsJsonArray("errors").get(1).getAsJsonObject().get("message").getAsString())
                .isEqualTo("has 5 values for 4 columns");
        assertThat(answer.getAsJsonArray("errors").get(2).getAsJsonObject().get("message").getAsString())
                .isEqualTo("is not a JSON array");
        assertThat(answer.getAsJsonArray("errors").get(3).getAsJsonObject().get("message").getAsString())
                .isEqualTo("path refers to string -1 but the batch has 3 strings");
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", key).json().getAsJsonArray()).hasSize(1);
    }

    @Test
    void aMalformedEnvelopeGets400NamingThePart() {
        String key = http.newKey();
        String envelope = "{\"api_key\":\"" + key + "\",\"framework\":\"Javalin\",";
        assertError(http.post("/api/log-request", envelope + "\"rows\":[[\"/x\",\"GET\",200,1]]}"), 400,
                "columns must come before rows");
        assertError(http.post("/api/log-request", envelope + "\"columns\":\"path\",\"rows\":[]}"), 400,
                "columns must be an array of field names");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\",7],\"rows\":[]}"), 400,
                "columns must be an array of field names");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"strings\":[1],\"rows\":[[0]]}"), 400,
                "strings must be an array of strings");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"rows\":{}}"), 400,
                "rows must be an array of arrays");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[" + "\"path\",".repeat(64) + "\"path\"],\"rows\":[]}"),
                400, "more than 64");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"rows\":[]}"), 400, "requests is empty");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"rows\":[[\"/x\"]],\"strings\":[\"/y\"]}"),
                400, "strings must come before rows");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"rows\":[[\"/x\"]],\"columns\":[\"method\"]}"),
                400, "columns may be given only once");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"strings\":[\"/x\"],\"strings\":[\"/y\"],"
                + "\"rows\":[[0]]}"), 400, "strings may be given only once");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"rows\":[[\"/x\"]],\"rows\":[[\"/y\"]]}"),
                400, "requests or rows, once");
        assertError(http.post("/api/log-request", envelope + "\"requests\":[],\"columns\":[\"path\"],\"rows\":[[\"/x\"]]}"),
                400, "requests or rows, once");
        assertError(http.post("/api/log-request", envelope + "\"columns\":[\"path\"],\"rows\":[[\"/x\"]],\"requests\":[]}"),
                400, "requests or rows, once");
    }

    @Test
    void aTinyBodyWhoseRowsNameLongStringsGets413NotTheMemoryOfItsExpansion() {
        String key = http.newKey();
        // six 2,000-character texts named by every one of 5,000 rows: 60 million characters,
        // within the 64 MiB decompressed cap, from a body of a few kilobytes gzipped
        StringBuilder strings = new StringBuilder("[\"GET\"");
        for (int i = 1; i <= 6; i++) {
            strings.append(",\"/").append(Character.toString('a' + i).repeat(2000)).append('"');
        }
        String body = "{\"api_key\":\"" + key + "\",\"framework\":\"Javalin\",\"columns\":[\"method\",\"path\",\"route\","
                + "\"user_agent\",\"user_id\",\"referrer\",\"hostname\",\"status\",\"response_time\"],\"strings\":" + strings
                + "],\"rows\":[" + String.join(",", java.util.Collections.nCopies(5000, "[0,1,2,3,4,5,6,200,1]")) + "]}";
        byte[] gzipped = Http.gzip(body.getBytes(StandardCharsets.UTF_8));
        assertThat(gzipped.length).isLessThan(10_000);

        assertError(http.postBytes("/api/log-request", gzipped, "Content-Encoding", "gzip"), 413,
                "more than " + (4 * 1024 * 1024) + " characters");
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", key).json().getAsJsonArray()).isEmpty();
    }

    /** A compact batch with the columns path, method, status and response_time. */
    private static String compact(String key, String strings, String... rows) {
        return "{\"api_key\":\"" + key + "\",\"framework\":\"Javalin\",\"columns\":[\"path\",\"method\",\"status\","
                + "\"response_time\"],\"strings\":" + strings + ",\"rows\":[" + String.join(",", rows) + "]}";
    }

    private static List<RequestRecord> records() {
        long now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        String[] agents = {"curl/8.5.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/131.0.0.0 Safari/537.36", "caf\u00e9 \"quoted\" \u2028 \uD83D\uDE00"};
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            records.add(new RequestRecord("api.example.com", i % 3 == 0 ? null : "8.8.8." + i % 7, "/users/" + i % 9,
                    i % 4 == 0 ? null : "/users/{id}", agents[i % agents.length], i % 5 == 0 ? "POST" : "GET",
                    i % 6 == 0 ? 404 : 200, 1_000L * i + 153, i % 2 == 0 ? "user-" + i % 4 : null, now - i * 1_000L));
        }
        return records;
    }
}
