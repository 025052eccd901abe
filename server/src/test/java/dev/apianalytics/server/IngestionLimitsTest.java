package dev.apianalytics.server;

import static dev.apianalytics.server.CollectorProtocolTest.assertCreated;
import static dev.apianalytics.server.CollectorProtocolTest.assertError;
import static dev.apianalytics.server.CollectorProtocolTest.batch;
import static dev.apianalytics.server.CollectorProtocolTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Size caps, gzip bombs and rate limits, on a collector configured with small limits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestionLimitsTest {

    static final int MAX_BODY = 64 * 1024;
    static final int MAX_DECOMPRESSED = 1024 * 1024;
    static final int MAX_ROWS = 50;
    static final int POSTS_PER_MINUTE = 3;

    @TempDir
    static Path dataDir;

    CollectorServer server;
    Http http;

    @BeforeAll
    void start() throws Exception {
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                .maxBodyBytes(MAX_BODY).maxDecompressedBytes(MAX_DECOMPRESSED).maxRowsPerPost(MAX_ROWS)
                .postsPerMinute(POSTS_PER_MINUTE).build());
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void anOversizedBodyGets413() {
        String key = http.newKey();
        String huge = batch(key, "Gin", row("/" + "x".repeat(MAX_BODY), "GET", "200"));
        assertError(http.post("/api/log-request", huge), 413, "larger than the limit of " + MAX_BODY);
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", key).json().getAsJsonArray()).isEmpty();
    }

    @Test
    void aGzipBombGets413WithoutBeingInflated() {
        String key = http.newKey();
        // 8 MB of spaces inside a valid batch compress to a few tens of kilobytes
        byte[] prefix = ("{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":[").getBytes(StandardCharsets.UTF_8);
        byte[] raw = new byte[8 * 1024 * 1024];
        java.util.Arrays.fill(raw, (byte) ' ');
        System.arraycopy(prefix, 0, raw, 0, prefix.length);
        byte[] bomb = Http.gzip(raw);
        assertThat(bomb.length).isLessThan(MAX_BODY);
        assertError(http.postBytes("/api/log-request", bomb, "Content-Encoding", "gzip"), 413, "decompressed");
        assertThat(http.get("/api/health").status()).as("the server is still up").isEqualTo(200);
    }

    @Test
    void tooManyRowsInOnePostGets413() {
        String key = http.newKey();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i <= MAX_ROWS; i++) {
            rows.add(row("/r" + i, "GET", "200"));
        }
        assertError(http.post("/api/log-request", batch(key, "Gin", rows.toArray(String[]::new))), 413, "at most " + MAX_ROWS);
    }

    @Test
    void aCompactBatchWithMoreStringsThanItsRowsCouldNameGets413() {
        String key = http.newKey();
        // nine text columns a row (referrer and referer among them), at most MAX_ROWS rows: more strings are never needed
        String strings = "\"s\",".repeat(9 * MAX_ROWS) + "\"one too many\"";
        String body = "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"columns\":[\"path\",\"method\",\"status\","
                + "\"response_time\"],\"strings\":[" + strings + "],\"rows\":[[0,0,200,1]]}";
        assertError(http.post("/api/log-request", body), 413, "at most " + 9 * MAX_ROWS + " strings");
    }

    @Test
    void aLongStringNamedByEveryRowGets413AsTheSameRowsInFullWould() {
        String key = http.newKey();
        // one string near the parser's bound, named by eight columns of every row: small on the wire,
        // hundreds of times the decompressed cap once expanded
        String row = "[0,0,0,0,0,0,0,1,200,1]";
        String body = "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"columns\":[\"hostname\",\"ip_address\",\"path\","
                + "\"route\",\"user_agent\",\"user_id\",\"referrer\",\"method\",\"status\",\"response_time\"],"
                + "\"strings\":[\"/" + "x".repeat(60_000) + "\",\"GET\"],\"rows\":[" + String.join(",", java.util.Collections.nCopies(MAX_ROWS, row)) + "]}";
        assertThat(body.length()).isLessThan(MAX_BODY);

        assertError(http.post("/api/log-request", body), 413, "more than " + MAX_DECOMPRESSED + " characters");
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", key).json().getAsJsonArray()).isEmpty();
    }

    @Test
    void postsBeyondTheRateGet429WithRetryAfterPerKey() {
        String busy = http.newKey();
        for (int i = 0; i < POSTS_PER_MINUTE; i++) {
            assertCreated(http.post("/api/log-request", batch(busy, "Gin", row("/ok", "GET", "200"))), 1, 0);
        }
        Http.Response limited = http.post("/api/log-request", batch(busy, "Gin", row("/over", "GET", "200")));
        assertError(limited, 429, "too many posts");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", busy).json().getAsJsonArray()).hasSize(POSTS_PER_MINUTE);

        String quiet = http.newKey();
        assertCreated(http.post("/api/log-request", batch(quiet, "Gin", row("/ok", "GET", "200"))), 1, 0);
    }

    @Test
    void noHostileBodyProducesA500() {
        String key = http.newKey();
        List<String> bodies = List.of(
                "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":[" + "[".repeat(5000) + "]}",
                "{\"api_key\":{\"nested\":true},\"framework\":\"Gin\",\"requests\":[]}",
                "{\"api_key\":\"" + key + "\",\"framework\":[\"Gin\"],\"requests\":[]}",
                "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"columns\":[\"path\",\"status\"],\"strings\":[],"
                        + "\"rows\":[[99999999999999999999,1e400],[[[]]],[{}],[null,null]]}",
                batch(key, "Gin", "{\"path\":\"/x\",\"method\":\"GET\",\"status\":1e400,\"response_time\":5}"),
                batch(key, "Gin", "{\"path\":\"/x\",\"method\":\"GET\",\"status\":200,\"response_time\":-1}"),
                batch(key, "Gin", "{\"path\":\"/x'; DROP TABLE requests; --\",\"method\":\"GET\",\"status\":200,\"response_time\":1}"),
                batch(key, "Gin", "{\"path\":\"/\\u0000nul\",\"method\":\"GET\",\"status\":200,\"response_time\":1,"
                        + "\"created_at\":\"9999-12-31T23:59:59Z\"}"),
                batch(key, "Gin", "{\"path\":{\"a\":1},\"method\":\"GET\",\"status\":200,\"response_time\":1}"),
                "\u00ff\u00fe garbage",
                "{}",
                "null");
        for (String body : bodies) {
            Http.Response response = http.post("/api/log-request", body);
            assertThat(response.status()).as(body.length() > 200 ? body.substring(0, 200) : body).isBetween(200, 499);
            assertThat(response.json().getAsJsonObject().has("message")).isTrue();
        }
        assertThat(http.get("/api/health").status()).isEqualTo(200);
    }
}
