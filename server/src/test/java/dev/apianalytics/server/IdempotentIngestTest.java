package dev.apianalytics.server;

import static dev.apianalytics.server.CollectorProtocolTest.batch;
import static dev.apianalytics.server.CollectorProtocolTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code Idempotency-Key} over real HTTP: a batch posted again under the same key (a client
 * retrying after a lost answer) is stored once and answered with the first post's counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdempotentIngestTest {

    private static final String HEADER = "Idempotency-Key";

    CollectorServer server;
    Http http;

    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    @BeforeAll
    void start() throws Exception {
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1")).build());
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        cleanUp();
    }

    /** Two good rows and one without a path. */
    private static String body(String key, String prefix) {
        return batch(key, "Javalin", row(prefix + "/a", "GET", "200"), row(prefix + "/b", "POST", "201"),
                "{\"method\":\"GET\",\"status\":200,\"response_time\":1,\"created_at\":\"2025-03-01T08:00:00Z\"}");
    }

    @Test
    void theSameBatchPostedTwiceUnderOneKeyIsStoredOnceAndAnsweredAlike() throws Exception {
        String key = http.newKey();
        String id = UUID.randomUUID().toString();

        Http.Response first = http.post("/api/log-request", body(key, "/once"), HEADER, id);
        Http.Response second = http.post("/api/log-request", body(key, "/once"), HEADER, id);

        assertCounts(first, 2, 1);
        assertCounts(second, 2, 1);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(stored(key)).isEqualTo(2);
    }

    @Test
    void differentKeysAndDifferentApiKeysAreIndependent() throws Exception {
        String key = http.newKey();
        String otherKey = http.newKey();
        String id = UUID.randomUUID().toString();

        assertCounts(http.post("/api/log-request", body(key, "/x"), HEADER, id), 2, 1);
        assertCounts(http.post("/api/log-request", body(key, "/x"), HEADER, UUID.randomUUID().toString()), 2, 1);
        assertCounts(http.post("/api/log-request", body(key, "/x")), 2, 1);
        assertCounts(http.post("/api/log-request", body(key, "/x")), 2, 1);
        // the same id under another API key is another client's batch
        Http.Response other = http.post("/api/log-request", body(otherKey, "/y"), HEADER, id);
        assertCounts(other, 2, 1);
        assertThat(other.header("Idempotent-Replayed")).isNull();

        assertThat(stored(key)).isEqualTo(8);
        assertThat(stored(otherKey)).isEqualTo(2);
    }

    @Test
    void concurrentPostsOfOneBatchStoreItOnce() throws Exception {
        String key = http.newKey();
        String id = UUID.randomUUID().toString();
        int posts = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(posts);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                answers.add(clients.submit(() -> {
                    go.await();
                    return http.post("/api/log-request", body(key, "/race"), HEADER, id);
                }));
            }
            go.countDown();
            for (Future<Http.Response> answer : answers) {
                assertCounts(answer.get(), 2, 1);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(stored(key)).isEqualTo(2);
        assertThat(batchIds(key)).isEqualTo(1);
    }

    @Test
    void aMalformedKeyIsRefusedByNameAndNothingIsStored() throws Exception {
        String key = http.newKey();
        for (String bad : List.of("", "has space", "semi;colon", "x".repeat(129), "a/b")) {
            Http.Response response = http.postBytes("/api/log-request",
                    body(key, "/bad").getBytes(java.nio.charset.StandardCharsets.UTF_8), HEADER, bad);
            assertThat(response.status()).as(bad).isEqualTo(400);
            assertThat(response.json().getAsJsonObject().get("message").getAsString()).contains("Idempotency-Key");
        }
        assertCounts(http.post("/api/log-request", body(key, "/ok"), HEADER, "x".repeat(128)), 2, 1);
        assertThat(stored(key)).isEqualTo(2);
    }

    @Test
    void forgottenIdsAreStoredAgainAndDeletingAKeysDataForgetsItsIds() throws Exception {
        String key = http.newKey();
        String id = UUID.randomUUID().toString();
        assertCounts(http.post("/api/log-request", body(key, "/old"), HEADER, id), 2, 1);

        // a day later the id is forgotten: the same id is a new batch again
        long forgotten = server.storage().forgetBatchesBefore(Instant.now().plus(Duration.ofHours(25)));
        assertThat(forgotten).isGreaterThanOrEqualTo(1);
        assertThat(batchIds(key)).isZero();
        Http.Response again = http.post("/api/log-request", body(key, "/old"), HEADER, id);
        assertCounts(again, 2, 1);
        assertThat(again.header("Idempotent-Replayed")).isNull();
        assertThat(stored(key)).isEqualTo(4);

        assertThat(http.delete("/api/data", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
        assertThat(batchIds(key)).isZero();
    }

    private static void assertCounts(Http.Response response, int accepted, int rejected) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonObject body = response.json().getAsJsonObject();
        assertThat(body.get("accepted").getAsInt()).as(response.body()).isEqualTo(accepted);
        assertThat(body.get("rejected").getAsInt()).as(response.body()).isEqualTo(rejected);
    }

    private long stored(String key) throws Exception {
        return server.storage().countRequests(keyId(key), RequestFilter.ALL);
    }

    private long batchIds(String key) throws Exception {
        try (Connection connection = server.storage().connection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM ingest_batches WHERE key_id = ?")) {
            select.setLong(1, keyId(key));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private long keyId(String key) throws Exception {
        return server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
    }
}
