package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Uptime monitoring through the real collector and its scheduler, against a real local target
 * that answers, slows down past the timeout, and goes away. The collector's clock is moved by
 * hand, one interval at a time, so each state gets exactly one ping. Runs on each storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MonitorContract {

    private MutableClock clock;
    private CollectorServer server;
    private Http http;

    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    @BeforeAll
    void start() throws Exception {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1").clock(clock).monitorAllowPrivate(true)).build());
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        cleanUp();
    }

    @Test
    void eachStateOfTheTargetIsRecorded() {
        String key = http.newKey();
        try (TargetServer target = new TargetServer()) {
            // a timeout with room for a loaded machine's first request; the slow answer takes twice as long
            long id = create(key, target.url("/health"), "GET", 30, 5).get("id").getAsLong();

            JsonObject up = awaitPings(key, id, 1);
            assertThat(up.getAsJsonObject("lastPing").get("status").getAsInt()).as(up.getAsJsonObject("lastPing").toString()).isEqualTo(200);
            assertThat(up.getAsJsonObject("lastPing").get("up").getAsBoolean()).isTrue();
            assertThat(up.getAsJsonObject("lastPing").get("failure").isJsonNull()).isTrue();
            assertThat(target.requests()).isEqualTo(1);

            // slower than the monitor's timeout
            target.answerAfter(10_000);
            clock.advance(Duration.ofSeconds(30));
            JsonObject slow = awaitPings(key, id, 2);
            assertThat(slow.getAsJsonObject("lastPing").get("up").getAsBoolean()).isFalse();
            assertThat(slow.getAsJsonObject("lastPing").get("status").getAsInt()).isZero();
            assertThat(slow.getAsJsonObject("lastPing").get("failure").getAsString()).startsWith("timeout");

            // gone: the port is closed
            target.stop();
            clock.advance(Duration.ofSeconds(30));
            JsonObject gone = awaitPings(key, id, 3);
            assertThat(gone.getAsJsonObject("lastPing").get("failure").getAsString()).startsWith("refused");

            JsonObject day = gone.getAsJsonObject("windows").getAsJsonObject("24h");
            assertThat(day.get("pings").getAsLong()).isEqualTo(3);
            assertThat(day.get("up").getAsLong()).isEqualTo(1);
            assertThat(day.get("uptime").getAsDouble()).isEqualTo(1 / 3.0);
            assertThat(gone.getAsJsonObject("windows").getAsJsonObject("60d").get("pings").getAsLong()).isEqualTo(3);
            List<String> failures = new ArrayList<>();
            for (JsonElement failure : gone.getAsJsonArray("recentFailures")) {
                failures.add(failure.getAsJsonObject().get("failure").getAsString().split(":")[0]);
            }
            assertThat(failures).containsExactly("refused", "timeout");
            long pingsInSeries = 0;
            for (JsonElement bucket : gone.getAsJsonArray("series")) {
                pingsInSeries += bucket.getAsJsonObject().get("pings").getAsLong();
            }
            assertThat(pingsInSeries).isEqualTo(3);
        }
    }

    @Test
    void anErrorStatusIsDownAndATlsMismatchIsNamed() {
        String key = http.newKey();
        try (TargetServer target = new TargetServer(); PlainTextPort notTls = new PlainTextPort()) {
            target.answerWith(503);
            // room for a loaded machine's first request and the JVM's first TLS handshake (2 s once
            // timed out with the suite's test classes side by side)
            long plain = create(key, target.url("/status"), "HEAD", 60, 10).get("id").getAsLong();
            long tls = create(key, notTls.httpsUrl("/status"), "HEAD", 60, 10).get("id").getAsLong();
            JsonObject down = awaitPings(key, plain, 1);
            assertThat(down.getAsJsonObject("lastPing").get("status").getAsInt()).isEqualTo(503);
            assertThat(down.getAsJsonObject("lastPing").get("up").getAsBoolean()).isFalse();
            JsonObject handshake = awaitPings(key, tls, 1);
            assertThat(handshake.getAsJsonObject("lastPing").get("failure").getAsString()).startsWith("tls");
        }
    }

    @Test
    void pingsOlderThanSixtyDaysAreDeleted() {
        String key = http.newKey();
        try (TargetServer target = new TargetServer()) {
            long id = create(key, target.url("/old"), "GET", 86_400, 2).get("id").getAsLong();
            awaitPings(key, id, 1);
            // 61 days on: the next ping is due (daily), and the old one has expired
            clock.advance(Duration.ofDays(61));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonObject monitor = monitor(key, id);
                assertThat(monitor.getAsJsonObject("windows").getAsJsonObject("60d").get("pings").getAsLong()).isEqualTo(1);
                assertThat(pingRowsOf(id)).isEqualTo(1);
            });
        }
    }

    @Test
    void deletingAKeysDataDeletesItsMonitors() {
        String key = http.newKey();
        String other = http.newKey();
        create(key, "https://api.example.com/one", "HEAD", 300, 5);
        long otherId = create(other, "https://api.example.com/two", "HEAD", 300, 5).get("id").getAsLong();
        assertThat(http.delete("/api/data", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
        assertThat(list(key).getAsJsonArray("monitors")).isEmpty();
        assertThat(list(other).getAsJsonArray("monitors")).hasSize(1);
        // and one key cannot remove another's monitor
        assertThat(http.delete("/api/monitors/" + otherId, "X-AUTH-TOKEN", key).status()).isEqualTo(404);
        assertThat(list(other).getAsJsonArray("monitors")).hasSize(1);
    }

    JsonObject create(String key, String url, String method, int intervalSeconds, int timeoutSeconds) {
        String body = "{\"url\":\"" + url + "\",\"method\":\"" + method + "\",\"intervalSeconds\":" + intervalSeconds
                + ",\"timeoutSeconds\":" + timeoutSeconds + "}";
        Http.Response response = http.post("/api/monitors", body, "X-AUTH-TOKEN", key);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().getAsJsonObject();
    }

    JsonObject list(String key) {
        Http.Response response = http.get("/api/monitors?period=24h", "X-AUTH-TOKEN", key);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().getAsJsonObject();
    }

    JsonObject monitor(String key, long id) {
        JsonArray monitors = list(key).getAsJsonArray("monitors");
        for (JsonElement monitor : monitors) {
            if (monitor.getAsJsonObject().get("id").getAsLong() == id) {
                return monitor.getAsJsonObject();
            }
        }
        throw new AssertionError("monitor " + id + " is not listed: " + monitors);
    }

    /** Waits until the monitor has {@code count} pings in the last 24 hours, and returns it. */
    JsonObject awaitPings(String key, long id, int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                monitor(key, id).getAsJsonObject("windows").getAsJsonObject("24h").get("pings").getAsLong() >= count);
        JsonObject monitor = monitor(key, id);
        assertThat(monitor.getAsJsonObject("windows").getAsJsonObject("24h").get("pings").getAsLong()).isEqualTo(count);
        return monitor;
    }

    long pingRowsOf(long monitorId) throws Exception {
        return new MonitorStore(server.storage()).pings(monitorId).size();
    }
}
