package dev.apianalytics.server;

import static dev.apianalytics.server.CollectorProtocolTest.assertCreated;
import static dev.apianalytics.server.CollectorProtocolTest.assertError;
import static dev.apianalytics.server.CollectorProtocolTest.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /metrics} scraped over HTTP from a collector that has ingested known posts, and the
 * liveness and readiness probes, including readiness once the database is gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetricsContract {

    /** One post per key per minute: a key's second post is refused however slowly the machine runs. */
    static final int POSTS_PER_MINUTE = 1;
    static final int MAX_BODY = 16 * 1024;
    /** Text that must never reach /metrics: it stands for a tenant's hostname and paths. */
    static final String TENANT_HOST = "tenant-" + UUID.randomUUID() + ".example";
    static final String TENANT_PATH = "/private-" + UUID.randomUUID();

    CollectorServer server;
    Http http;
    String key;

    /** Points {@code builder} at a database of its own (a fresh one on each call). */
    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    @BeforeAll
    void ingestKnownPosts() throws Exception {
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1"))
                .postsPerMinute(POSTS_PER_MINUTE).maxBodyBytes(MAX_BODY).build());
        http = new Http(server.url());
        key = http.newKey();
        assertCreated(post(batch(key, "Javalin", row("/a"), row("/b"), row("/c"), invalidRow())), 3, 1);
        assertError(post(batch(key, "Javalin", row("/e"))), 429, "too many posts");
        assertError(post(batch(http.newKey(), "Javalin", invalidRow(), invalidRow())), 400, "no request in the batch is valid");
        assertCreated(post(batch(http.newKey(), "Javalin", row("/d"))), 1, 0);
        assertError(post(batch(UUID.randomUUID().toString(), "Javalin", row("/f"))), 401, "unknown API key");
        assertError(post(batch(key, "Javalin", row("/" + "x".repeat(MAX_BODY)))), 413, "larger than the limit");
        server.summarise();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        cleanUp();
    }

    @Test
    void postsAreCountedByRouteAndStatus() {
        String scrape = scrape();
        Map<String, Double> expected = Map.of("201", 2.0, "400", 1.0, "401", 1.0, "413", 1.0, "429", 1.0);
        expected.forEach((status, count) -> assertThat(value(scrape, "apianalytics_http_requests_total",
                "route", "/api/log-request", "method", "POST", "status", status)).as(status).isEqualTo(count));
        assertThat(value(scrape, "apianalytics_http_requests_total", "route", "/api/generate-api-key", "method", "GET",
                "status", "200")).as("three keys minted").isEqualTo(3.0);
    }

    @Test
    void rowsAreCountedByOutcomeAndCommitsTimed() {
        String scrape = scrape();
        assertThat(value(scrape, "apianalytics_ingest_rows_total", "outcome", "accepted")).isEqualTo(4.0);
        assertThat(value(scrape, "apianalytics_ingest_rows_total", "outcome", "rejected")).isEqualTo(3.0);
        assertThat(value(scrape, "apianalytics_ingest_duration_seconds_count")).as("two posts committed").isEqualTo(2.0);
        assertThat(value(scrape, "apianalytics_ingest_duration_seconds_bucket", "le", "+Inf")).isEqualTo(2.0);
        assertThat(value(scrape, "apianalytics_ingest_posts_total", "form", "json")).isEqualTo(2.0);
        assertThat(value(scrape, "apianalytics_ingest_posts_total", "form", "compact")).isZero();
        assertThat(value(scrape, "apianalytics_monitor_pings_total", "result", "up")).isZero();
    }

    @Test
    void summaryLagAndJvmAreExposed() {
        String scrape = scrape();
        double lag = value(scrape, "apianalytics_summary_lag_seconds");
        assertThat(lag).as("the summaries reach the last complete hour before the late-row margin").isPositive()
                .isLessThan(ChronoUnit.HOURS.getDuration().multipliedBy(3).toSeconds());
        assertThat(scrape).contains("jvm_memory_used_bytes{", "jvm_threads_current ", "jvm_gc_collection_seconds_count{");
    }

    @Test
    void metricsRevealNoKeyHostOrPath() {
        String scrape = scrape();
        assertThat(scrape).doesNotContain(key, key.substring(0, 8), TENANT_HOST, TENANT_PATH, "127.0.0.1");
        assertThat(http.get("/metrics").header("Content-Type")).startsWith("text/plain; version=0.0.4");
    }

    @Test
    void probesAnswerAndReadinessFailsWithoutTheDatabase() throws Exception {
        try (CollectorServer probed = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1")).build())) {
            Http client = new Http(probed.url());
            Http.Response live = client.get("/api/health/live");
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.json().getAsJsonObject().get("status").getAsString()).isEqualTo("live");
            Http.Response ready = client.get("/api/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(ready.json().getAsJsonObject().get("status").getAsString()).isEqualTo("ready");
            assertThat(client.get("/api/health").body()).isEqualTo("{\"status\":\"healthy\"}");

            probed.storage().close();

            assertError(client.get("/api/health/ready"), 503, "database");
            assertThat(client.get("/api/health/ready").header("Retry-After")).isEqualTo("5");
            assertThat(client.get("/api/health/live").status()).as("the process is still up").isEqualTo(200);
            assertThat(value(client.get("/metrics").body(), "apianalytics_http_requests_total",
                    "route", "/api/health/ready", "method", "GET", "status", "503")).isEqualTo(2.0);
        }
    }

    String scrape() {
        Http.Response response = http.get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    Http.Response post(String body) {
        return http.post("/api/log-request", body);
    }

    static String row(String path) {
        return "{\"hostname\":\"" + TENANT_HOST + "\",\"ip_address\":\"127.0.0.1\",\"path\":\"" + TENANT_PATH + path
                + "\",\"user_agent\":\"curl/8\",\"method\":\"GET\",\"status\":200,\"response_time\":5,\"created_at\":\""
                + Instant.now().minusSeconds(60) + "\"}";
    }

    /** A row without a path: rejected alone. */
    static String invalidRow() {
        return "{\"hostname\":\"" + TENANT_HOST + "\",\"method\":\"GET\",\"status\":200,\"response_time\":1,\"created_at\":\""
                + Instant.now() + "\"}";
    }

    /**
     * The value of the sample {@code name} whose labels include {@code labels} (name, value pairs);
     * fails when there is none.
     */
    static double value(String scrape, String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (String line : scrape.lines().toList()) {
            if (line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String sampleName = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
            if (!sampleName.equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            if (brace >= 0) {
                for (String pair : line.substring(brace + 1, line.lastIndexOf('}')).split(",(?=[a-z_]+=\")")) {
                    int equals = pair.indexOf('=');
                    found.put(pair.substring(0, equals), pair.substring(equals + 2, pair.length() - 1));
                }
            }
            if (found.entrySet().containsAll(wanted.entrySet())) {
                return Double.parseDouble(line.substring(space + 1));
            }
        }
        throw new AssertionError("no sample " + name + " with " + wanted + " in:\n" + scrape);
    }
}
