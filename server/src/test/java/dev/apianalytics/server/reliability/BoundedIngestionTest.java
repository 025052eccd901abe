package dev.apianalytics.server.reliability;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ingestion in bounded memory, through real sockets: bodies whose single string, name, number,
 * nesting, keys, rows or whitespace would grow past a fixed bound are refused with a 4xx while
 * being read; a lone surrogate costs neither its row nor its batch; and clients that stop
 * sending hold no parsing slot.
 */
@Timeout(120)
class BoundedIngestionTest {

    private static final int MB = 1024 * 1024;
    private static Path dataDir;
    private static CollectorServer server;
    private static RawClient client;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("bounded-ingestion");
        // the default caps: bombs must be refused under the limits users actually run with
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                .postsPerMinute(1_000_000).build());
        client = new RawClient(server.port());
        key = newKey();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(dataDir);
    }

    @Test
    void aHugeStringIsRefusedNotBuilt() {
        byte[] bomb = gzipOf(envelope() + "\"unknown\":\"", "a", 60 * MB, "\"}");
        assertThat(bomb.length).as("the wire size of the bomb").isLessThan(MB);
        assertRefused(post(bomb, true), 413, "String value length");
        assertRefused(post(gzipOf(envelope() + "\"requests\":[{\"path\":\"/", "x", 10 * MB, "\"}]}"), true), 413,
                "String value length");
    }

    @Test
    void hugeNamesNumbersAndNestingAreRefused() {
        assertRefused(post(gzipOf("{\"", "n", 10 * MB, "\":1}"), true), 413, "Name length");
        assertRefused(post(gzipOf(envelope() + "\"privacy_level\":", "9", 10 * MB, "}"), true), 413, "exceeds the maximum allowed");
        assertRefused(post(gzipOf(envelope() + "\"requests\":", "[", 10 * MB, ""), true), 400, "nested too deeply");
        assertRefused(post(gzipOf(envelope() + "\"requests\":[", "{\"a\":", 10_000, ""), true), 400, "nested too deeply");
    }

    @Test
    void whitespaceManyKeysAndManyRowsAreRefused() {
        assertRefused(post(gzipOf("{", " ", 200 * MB, "}"), true), 413, "more than 100 times its compressed size");
        assertRefused(post(gzipOf(envelope(), "\"k\":0,", 10 * MB, "\"x\":0}"), true), 400, "more than 256 fields");
        assertRefused(post(gzipOf(envelope() + "\"requests\":[", "{},", 10 * MB, "{}]}"), true), 413, "at most 10000 requests");
    }

    @Test
    void aRealBatchPastTheRatioFreeSizeIsStored() {
        // 1,200 rows with long search paths and referrers, 5 MB: past the 4 MiB that inflate freely
        String tag = "large-batch";
        var json = new StringBuilder(envelope()).append("\"requests\":[");
        var random = new java.util.Random(7);
        String[] words = {"red", "shoes", "size", "42", "winter", "sale", "leather", "boots", "men", "women", "kids", "blue"};
        for (int i = 0; i < 1_200; i++) {
            var query = new StringBuilder();
            while (query.length() < 2_000) {
                query.append(words[random.nextInt(words.length)]).append('+');
            }
            json.append(i == 0 ? "" : ",").append("{\"hostname\":\"shop.example.com\",\"path\":\"/search?q=").append(query)
                    .append("\",\"referrer\":\"https://shop.example.com/search?q=").append(query.reverse())
                    .append("\",\"method\":\"GET\",\"status\":200,\"response_time\":").append(random.nextInt(300))
                    .append(",\"user_id\":\"").append(tag).append("\"}");
        }
        byte[] body = utf8(json.append("]}").toString());
        byte[] zipped = gzip(body);
        assertThat(body.length).as("decoded").isGreaterThan(4 * MB);
        assertThat(body.length / zipped.length).as("its compression ratio").isBetween(2, 100);
        RawClient.Answer answer = post(zipped, true);
        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
        assertThat(answer.json().getAsJsonObject().get("accepted").getAsInt()).isEqualTo(1_200);
    }

    @Test
    void aRowWithTooManyFieldsIsRejectedAlone() {
        String crowded = "{" + "\"k\":0,".repeat(300) + "\"path\":\"/crowded\",\"method\":\"GET\",\"status\":200,\"response_time\":1}";
        RawClient.Answer answer = post(utf8(envelope() + "\"requests\":[" + crowded + "," + row("/fine", "crowded-tag") + "]}"), false);
        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
        assertThat(answer.json().getAsJsonObject().get("accepted").getAsInt()).isEqualTo(1);
        assertThat(answer.json().getAsJsonObject().get("rejected").getAsInt()).isEqualTo(1);
        assertThat(answer.text()).contains("more than 256 fields");
    }

    @Test
    void aLoneSurrogateBecomesAReplacementCharacterAndTheBatchIsStored() {
        // what Python's json.dumps writes for a string holding a lone surrogate
        String tag = "surrogate-tag";
        String odd = "{\"path\":\"/a\\ud800b\",\"user_agent\":\"agent \\udfff\\ud800 \\ud83d\\ude00\",\"hostname\":\"h\\ud83d\","
                + "\"method\":\"GET\",\"status\":200,\"response_time\":1,\"user_id\":\"" + tag + "\","
                + "\"route\":\"/r\"}";
        RawClient.Answer answer = post(utf8(envelope() + "\"requests\":[" + odd + "," + row("/plain", tag) + "]}"), false);
        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
        assertThat(answer.json().getAsJsonObject().get("accepted").getAsInt()).isEqualTo(2);
        JsonArray rows = client.send("GET", "/api/data?user_id=" + tag, List.of("X-AUTH-TOKEN", key), null).json().getAsJsonArray();
        var stored = rows.asList().stream().map(row -> row.getAsJsonObject()).filter(row -> row.get("path").getAsString().startsWith("/a"))
                .findFirst().orElseThrow();
        assertThat(stored.get("path").getAsString()).isEqualTo("/a\uFFFDb");
        assertThat(stored.get("user_agent").getAsString()).as("a well-formed pair stays")
                .isEqualTo("agent \uFFFD\uFFFD \uD83D\uDE00");
        assertThat(stored.get("hostname").getAsString()).isEqualTo("h\uFFFD");
    }

    @Test
    void clientsThatStopSendingHoldNoParsingSlot() throws Exception {
        // a wire cap as large as the heap: were a sender's wire cap reserved while it sends, one would hold it all
        Path dir = Files.createTempDirectory("bounded-ingestion-slots");
        List<Socket> stalled = new ArrayList<>();
        try (CollectorServer small = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dir)
                .maxBodyBytes(Runtime.getRuntime().maxMemory()).postsPerMinute(1_000_000).build())) {
            var raw = new RawClient(small.port());
            String stallingKey = raw.send("POST", "/api/generate-api-key", List.of(), new byte[0]).json().getAsString();
            String other = raw.send("POST", "/api/generate-api-key", List.of(), new byte[0]).json().getAsString();
            try {
                stallAndPost(small.port(), stallingKey, other, stalled);
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    private static void stallAndPost(int port, String stallingKey, String other, List<Socket> stalled) throws Exception {
        var raw = new RawClient(port);
        // fewer than the worker threads, so that some are left to answer
        for (int i = 0; i < 6; i++) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/log-request HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"api_key\":\"" + stallingKey + "\",").getBytes(StandardCharsets.UTF_8));
            out.flush();
            stalled.add(socket);
        }
        Thread.sleep(500); // let each reach its handler, reading the body
        for (int i = 0; i < 3; i++) {
            RawClient.Answer answer = raw.send("POST", "/api/log-request", List.of("Content-Type", "application/json"),
                    utf8("{\"api_key\":\"" + other + "\",\"framework\":\"Go\",\"requests\":[" + row("/other", "other") + "]}"));
            // a post waiting for memory held by a stalled client would wait 10 s and get 503
            assertThat(answer.status()).as("%s", answer).isEqualTo(201);
        }
    }

    private static void assertRefused(RawClient.Answer answer, int status, String message) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.json().getAsJsonObject().get("status").getAsInt()).isEqualTo(status);
        assertThat(answer.json().getAsJsonObject().get("message").getAsString()).contains(message);
        assertThat(client.send("GET", "/api/health", List.of(), null).status()).isEqualTo(200);
    }

    private static RawClient.Answer post(byte[] body, boolean gzip) {
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
        if (gzip) {
            headers.addAll(List.of("Content-Encoding", "gzip"));
        }
        return client.send("POST", "/api/log-request", headers, body);
    }

    private static String envelope() {
        return "{\"api_key\":\"" + key + "\",\"framework\":\"Go\",";
    }

    private static String row(String path, String userId) {
        return "{\"path\":\"" + path + "\",\"method\":\"GET\",\"status\":200,\"response_time\":1.5,\"user_id\":\"" + userId + "\"}";
    }

    /**
     * {@code head}, {@code unit} {@code repeats} times, {@code tail}, as gzip. The repeated part is
     * one compressed member of about a megabyte sent again and again (gzip allows a stream of
     * members), so building a bomb of hundreds of megabytes costs the test next to nothing.
     */
    static byte[] gzipOf(String head, String unit, long repeats, String tail) {
        int perBlock = (int) Math.min(repeats, Math.max(1, MB / unit.length()));
        byte[] block = gzip(utf8(unit.repeat(perBlock)));
        var out = new ByteArrayOutputStream();
        out.writeBytes(gzip(utf8(head)));
        for (long written = 0; written < repeats; written += perBlock) {
            out.writeBytes(block);
        }
        out.writeBytes(gzip(utf8(tail)));
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] raw) {
        var out = new ByteArrayOutputStream();
        try (var zip = new GZIPOutputStream(out)) {
            zip.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String newKey() {
        RawClient.Answer answer = client.send("POST", "/api/generate-api-key", List.of(), new byte[0]);
        assertThat(answer.status()).as("key generation: %s", answer).isEqualTo(200);
        return answer.json().getAsString();
    }
}
