package dev.apianalytics.server.reliability;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input through real HTTP: whatever a client sends to ingestion or to the read,
 * delete, dashboard and monitoring endpoints, the answer is a 4xx with a JSON
 * {@code {"status","message"}} body or a 2xx whose counts are true; never a 5xx, never a
 * dropped connection; the server keeps answering; and every row it said it accepted is
 * stored, exactly once.
 */
class HostileInputTest {

    private static Path dataDir;
    private static CollectorServer server;
    private static RawClient client;
    private static String ingestKey;
    private static String queryKey;
    /** What the server said it accepted for {@link #ingestKey}, summed over every 201. */
    private static final AtomicLong acceptedForIngestKey = new AtomicLong();
    private static final java.util.Map<String, long[]> CORPUS = new java.util.TreeMap<>();

    @BeforeContainer
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("hostile-input");
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                .maxBodyBytes(HostileBodies.MAX_BODY_BYTES).maxDecompressedBytes(HostileBodies.MAX_DECOMPRESSED_BYTES)
                .maxRowsPerPost(HostileBodies.MAX_ROWS).postsPerMinute(1_000_000).build());
        client = new RawClient(server.port());
        ingestKey = newKey();
        queryKey = newKey();
        var seed = new HostileBodies(queryKey);
        for (int i = 0; i < 3; i++) {
            var answer = post("/api/log-request", seed.mixedBatch().sample());
            assertThat(answer.status()).as("seeding the query key: %s", answer).isLessThan(500);
        }
    }

    @AfterContainer
    static void stop() throws IOException {
        // what the corpus held and how the server answered, for docs/reliability.md
        CORPUS.forEach((kind, figures) -> System.out.printf("corpus: %-50s %5d posts %7d ms%n", kind, figures[0],
                figures[1] / 1_000_000));
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(dataDir);
    }

    @Provide
    Arbitrary<HostileBodies.Body> bodies() {
        return new HostileBodies(ingestKey).all();
    }

    @Provide
    Arbitrary<HostileRequests.Probe> probes() {
        return new HostileRequests(queryKey).all();
    }

    @Property(tries = 1_200, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    void everyIngestionBodyGetsAnHonestAnswer(@ForAll("bodies") HostileBodies.Body body) {
        String path = body.bytes().length % 2 == 0 ? "/api/log-request" : "/api/requests";
        long started = System.nanoTime();
        RawClient.Answer answer = post(path, body);
        long[] figures = CORPUS.computeIfAbsent(body.kind().replaceAll(" (depth|in|of) .*| [0-9a-f-]{36}.*", "") + " -> "
                + answer.status(), kind -> new long[2]);
        figures[0]++;
        figures[1] += System.nanoTime() - started;
        assertThat(answer.status()).as("%s\nanswered %s", body, answer).isBetween(200, 499);
        JsonObject json = errorOrResultBody(answer, body);
        if (answer.status() == 201) {
            long accepted = json.get("accepted").getAsLong();
            long rejected = json.get("rejected").getAsLong();
            assertThat(accepted).as("accepted, %s", body).isPositive();
            assertThat(rejected).as("rejected, %s", body).isNotNegative();
            if (body.rows() >= 0) {
                assertThat(accepted + rejected).as("accepted + rejected for %s\n%s", body, answer).isEqualTo(body.rows());
            }
            if (!body.kind().startsWith("key ") || isOurKey(body)) {
                acceptedForIngestKey.addAndGet(accepted);
            }
        } else {
            assertThat(answer.status()).as("a success other than 201: %s", answer).isGreaterThanOrEqualTo(400);
        }
        if (body.tag() != null) {
            long stored = storedWithUserId(ingestKey, body.tag());
            long expected = answer.status() == 201 ? body.validRows() : 0;
            assertThat(stored).as("valid rows stored for %s\nanswer %s", body, answer).isEqualTo(expected);
        }
    }

    @Property(tries = 800, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    void everyReadDeleteDashboardAndMonitorRequestGetsAnHonestAnswer(@ForAll("probes") HostileRequests.Probe probe) {
        RawClient.Answer answer = client.send(probe.method(), probe.target(), probe.headers(), probe.body());
        assertThat(answer.status()).as("%s\nanswered %s", probe, answer).isBetween(200, 499);
        if (answer.status() >= 400) {
            if (!probe.method().equals("HEAD")) {
                errorOrResultBody(answer, probe);
            }
            return;
        }
        if (probe.method().equals("HEAD") || answer.status() == 204) {
            return;
        }
        String path = probe.path();
        if (path.equals("/api/data") && probe.method().equals("GET")) {
            assertThat(answer.json().isJsonArray()).as("%s answered %s", probe, answer).isTrue();
            assertThat(Long.parseLong(answer.header("X-Total-Count"))).isNotNegative();
        } else if (path.equals("/api/dashboard") || path.startsWith("/api/monitors") || path.equals("/api/health")) {
            assertThat(answer.json().isJsonObject()).as("%s answered %s", probe, answer).isTrue();
        }
    }

    @AfterProperty
    void serverStillAnswersAndCountsAddUp() {
        RawClient.Answer health = client.send("GET", "/api/health", List.of(), null);
        assertThat(health.status()).as("health after the corpus: %s", health).isEqualTo(200);
        assertThat(stored(ingestKey)).as("rows stored for the ingestion key vs. the sum of 'accepted' answers")
                .isEqualTo(acceptedForIngestKey.get());
    }

    /** Some spellings of the key (upper case, padded) are the same key. */
    private static boolean isOurKey(HostileBodies.Body body) {
        String presented = body.kind().substring("key ".length());
        return presented.trim().equalsIgnoreCase(ingestKey);
    }

    private static JsonObject errorOrResultBody(RawClient.Answer answer, Object request) {
        assertThat(answer.header("Content-Type")).as("content type of %s for %s", answer, request).startsWith("application/json");
        JsonElement parsed;
        try {
            parsed = answer.json();
        } catch (RuntimeException e) {
            throw new AssertionError("not JSON: " + answer + " for " + request, e);
        }
        assertThat(parsed.isJsonObject()).as("%s for %s", answer, request).isTrue();
        JsonObject json = parsed.getAsJsonObject();
        assertThat(json.get("status").getAsInt()).as("status field of %s", answer).isEqualTo(answer.status());
        assertThat(json.get("message").getAsString()).as("message of %s", answer).isNotBlank();
        return json;
    }

    static RawClient.Answer post(String path, HostileBodies.Body body) {
        List<String> headers = new java.util.ArrayList<>(body.headers());
        if (!headers.contains("Content-Type")) {
            headers.addAll(List.of("Content-Type", "application/json"));
        }
        return client.send("POST", path, headers, body.bytes());
    }

    private static long stored(String key) {
        return totalCount(client.send("GET", "/api/data?page=1000000", List.of("X-AUTH-TOKEN", key), null));
    }

    private static long storedWithUserId(String key, String userId) {
        return totalCount(client.send("GET", "/api/data?page=1000000&user_id=" + userId, List.of("X-AUTH-TOKEN", key), null));
    }

    private static long totalCount(RawClient.Answer answer) {
        assertThat(answer.status()).as("data API: %s", answer).isEqualTo(200);
        return Long.parseLong(answer.header("X-Total-Count"));
    }

    private static String newKey() {
        RawClient.Answer answer = client.send("POST", "/api/generate-api-key", List.of(), new byte[0]);
        assertThat(answer.status()).as("key generation: %s", answer).isEqualTo(200);
        return answer.json().getAsString();
    }
}
