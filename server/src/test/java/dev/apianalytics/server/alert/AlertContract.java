package dev.apianalytics.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.keys.ApiKeys;
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
 * Alerts through the real collector: a real monitored API and a real webhook receiver on
 * 127.0.0.1. The collector's clock is moved by hand one ping interval at a time, so "within one
 * ping interval" means: the delivery arrived before the clock moved on to the next ping. Runs on
 * each storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AlertContract {

    private static final int INTERVAL = 30;

    MutableClock clock;
    CollectorServer server;
    Http http;

    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    @BeforeAll
    void start() throws Exception {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1").clock(clock)
                .monitorAllowPrivate(true)).build());
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
    void downForThreePingsAndBackSendsOneDownAndOneRecoveredToEachDestination() {
        String key = http.newKey();
        try (LocalServer api = new LocalServer(); LocalServer receiver = new LocalServer()) {
            addDestination(key, receiver.url("/json"), "json");
            addDestination(key, receiver.url("/slack"), "slack");
            addDestination(key, receiver.url("/teams"), "teams");
            long monitor = createMonitor(key, api.url("/health"));
            awaitPings(key, monitor, 1);

            api.answerWith(503);
            ping(key, monitor, 2);
            ping(key, monitor, 3);
            assertThat(receiver.received("/json")).as("two failures are no incident yet").isEmpty();
            ping(key, monitor, 4);
            // within one ping interval: before the clock moves on to the next ping, and in real time
            // well inside the interval after the third failed ping reached the API
            List<LocalServer.Received> down = awaitDeliveries(receiver, "/json", 1);
            awaitDeliveries(receiver, "/slack", 1);
            awaitDeliveries(receiver, "/teams", 1);
            Instant thirdFailure = api.received("/health").get(3).at();
            assertThat(Duration.between(thirdFailure, down.get(0).at())).isLessThan(Duration.ofSeconds(INTERVAL));
            System.out.println("down alert " + Duration.between(thirdFailure, down.get(0).at()).toMillis()
                    + " ms after the third failed ping");

            ping(key, monitor, 5); // still down: no new alert
            api.answerWith(200);
            ping(key, monitor, 6);
            List<LocalServer.Received> up = awaitDeliveries(receiver, "/json", 2);
            Instant firstUp = api.received("/health").get(5).at();
            assertThat(Duration.between(firstUp, up.get(1).at())).isLessThan(Duration.ofSeconds(INTERVAL));
            System.out.println("recovered alert " + Duration.between(firstUp, up.get(1).at()).toMillis()
                    + " ms after the first ping up");
            awaitDeliveries(receiver, "/slack", 2);
            awaitDeliveries(receiver, "/teams", 2);
            settle();

            List<LocalServer.Received> json = receiver.received("/json");
            assertThat(json).hasSize(2);
            JsonObject first = JsonParser.parseString(json.get(0).body()).getAsJsonObject();
            assertThat(first.get("event").getAsString()).isEqualTo("monitor.down");
            assertThat(first.get("state").getAsString()).isEqualTo("firing");
            assertThat(first.get("summary").getAsString()).contains(api.url("/health"), "3 pings failed");
            assertThat(first.getAsJsonObject("details").get("monitorId").getAsLong()).isEqualTo(monitor);
            JsonObject second = JsonParser.parseString(json.get(1).body()).getAsJsonObject();
            assertThat(second.get("event").getAsString()).isEqualTo("monitor.recovered");
            assertThat(second.get("state").getAsString()).isEqualTo("recovered");
            assertThat(receiver.received("/slack")).hasSize(2).allSatisfy(r ->
                    assertThat(JsonParser.parseString(r.body()).getAsJsonObject().get("text").getAsString()).contains(api.url("/health")));
            assertThat(receiver.received("/teams")).hasSize(2).allSatisfy(r -> {
                JsonObject card = JsonParser.parseString(r.body()).getAsJsonObject();
                assertThat(card.get("@type").getAsString()).isEqualTo("MessageCard");
                assertThat(card.get("text").getAsString()).contains(api.url("/health"));
            });

            JsonObject alerts = alerts(key);
            JsonArray deliveries = alerts.getAsJsonArray("deliveries");
            assertThat(deliveries).hasSize(6);
            for (JsonElement delivery : deliveries) {
                assertThat(delivery.getAsJsonObject().get("state").getAsString()).isEqualTo("delivered");
                assertThat(delivery.getAsJsonObject().getAsJsonArray("attempts")).hasSize(1);
                assertThat(delivery.getAsJsonObject().getAsJsonArray("attempts").get(0).getAsJsonObject().get("status")
                        .getAsInt()).isEqualTo(200);
            }
            assertThat(alerts.getAsJsonArray("destinations").get(0).getAsJsonObject().get("url").getAsString())
                    .as("the webhook's secret path is not shown back").doesNotContain("/json").endsWith("json");
        }
    }

    @Test
    void aReceiverFailingThenAnsweringGetsTheAlertOnceAndEveryAttemptIsRecorded() {
        String key = http.newKey();
        try (LocalServer api = new LocalServer(); LocalServer receiver = new LocalServer()) {
            receiver.queue("/hook", 500, 503);
            addDestination(key, receiver.url("/hook"), "json");
            assertThat(http.post("/api/alerts/rules", "{\"downAfter\":1}", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
            api.answerWith(500);
            long monitor = createMonitor(key, api.url("/down"));
            awaitPings(key, monitor, 1);
            awaitDeliveries(receiver, "/hook", 1);
            awaitAttempts(key, 1);
            clock.advance(DeliveryWorker.backoff(1)); // the first retry is due, the next ping is not
            awaitDeliveries(receiver, "/hook", 2);
            awaitAttempts(key, 2);
            clock.advance(DeliveryWorker.backoff(2));
            awaitDeliveries(receiver, "/hook", 3);
            awaitAttempts(key, 3);
            clock.advance(DeliveryWorker.backoff(3));
            settle();

            List<LocalServer.Received> received = receiver.received("/hook");
            assertThat(received).extracting(LocalServer.Received::answered).containsExactly(500, 503, 200);
            assertThat(received).extracting(LocalServer.Received::body).containsOnly(received.get(0).body());
            JsonObject delivery = alerts(key).getAsJsonArray("deliveries").get(0).getAsJsonObject();
            assertThat(delivery.get("state").getAsString()).isEqualTo("delivered");
            List<Integer> statuses = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (JsonElement attempt : delivery.getAsJsonArray("attempts")) {
                statuses.add(attempt.getAsJsonObject().get("status").getAsInt());
                JsonElement error = attempt.getAsJsonObject().get("error");
                errors.add(error == null || error.isJsonNull() ? null : error.getAsString());
                assertThat(attempt.getAsJsonObject().get("at").getAsString()).isNotBlank();
            }
            assertThat(statuses).containsExactly(500, 503, 200);
            assertThat(errors).containsExactly("HTTP 500", "HTTP 503", null);
        }
    }

    @Test
    void errorRateAndP95RulesFireOnceAndRecoverFromStoredRequests() throws Exception {
        String key = http.newKey();
        try (LocalServer receiver = new LocalServer()) {
            addDestination(key, receiver.url("/hook"), "json");
            assertThat(http.post("/api/alerts/rules", "{\"errorRatePercent\":10,\"p95Ms\":500}", "X-AUTH-TOKEN", key).status())
                    .isEqualTo(200);
            long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            Evaluator evaluator = new Evaluator(new AlertStore(server.storage()), clock, 3);

            post(key, 10, 500, 900); // 10 of 25 fail, and a third of them are slow
            post(key, 15, 200, 20);
            evaluator.traffic(keyId);
            evaluator.traffic(keyId); // a second look at the same incident sends nothing
            awaitDeliveries(receiver, "/hook", 2);

            post(key, 500, 200, 20); // 10 of 525 fail (1.9%), 10 of 525 are slow: p95 is fast again
            evaluator.traffic(keyId);
            awaitDeliveries(receiver, "/hook", 4);
            settle();
            List<String> events = new ArrayList<>();
            for (LocalServer.Received received : receiver.received("/hook")) {
                events.add(JsonParser.parseString(received.body()).getAsJsonObject().get("event").getAsString());
            }
            // the two rules' deliveries go out side by side, in either order
            assertThat(events.subList(0, 2)).containsExactlyInAnyOrder("error_rate.high", "p95.high");
            assertThat(events.subList(2, 4)).containsExactlyInAnyOrder("error_rate.recovered", "p95.recovered");
            JsonObject high = JsonParser.parseString(receiver.received("/hook").get(events.indexOf("error_rate.high")).body())
                    .getAsJsonObject();
            assertThat(high.getAsJsonObject("details").get("requests").getAsLong()).isEqualTo(25);
            assertThat(high.getAsJsonObject("details").get("serverErrors").getAsLong()).isEqualTo(10);
        }
    }

    /** Posts {@code count} rows a minute before the collector's now, through the real ingestion path. */
    private void post(String key, int count, int status, double responseTime) {
        StringBuilder json = new StringBuilder("{\"api_key\":\"" + key + "\",\"framework\":\"Javalin\",\"requests\":[");
        String at = clock.instant().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS).toString();
        for (int i = 0; i < count; i++) {
            json.append(i > 0 ? "," : "").append("{\"path\":\"/r\",\"method\":\"GET\",\"status\":").append(status)
                    .append(",\"response_time\":").append(responseTime).append(",\"created_at\":\"").append(at).append("\"}");
        }
        Http.Response answer = http.post("/api/requests", json.append("]}").toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    @Test
    void destinationsObeyTheAddressRulesAndAreValidated() {
        String key = http.newKey();
        for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://metadata.google.internal/x",
                "file:///etc/passwd", "gopher://127.0.0.1:25/", "http://user:pw@example.com/hook")) {
            Http.Response answer = http.post("/api/alerts/destinations", "{\"url\":\"" + url + "\"}", "X-AUTH-TOKEN", key);
            assertThat(answer.status()).as("%s: %s", url, answer.body()).isEqualTo(400);
            assertThat(answer.json().getAsJsonObject().get("message").getAsString()).isNotBlank();
        }
        for (String body : List.of("[]", "{\"url\":5}", "{\"url\":\"https://example.com/h\",\"format\":\"xml\"}", "not json")) {
            assertThat(http.post("/api/alerts/destinations", body, "X-AUTH-TOKEN", key).status()).as(body).isEqualTo(400);
        }
        for (String body : List.of("{\"downAfter\":0}", "{\"downAfter\":2.5}", "{\"downAfter\":21}", "{\"errorRatePercent\":101}",
                "{\"errorRatePercent\":\"5\"}", "{\"p95Ms\":-1}", "{\"p95Ms\":1e9}")) {
            assertThat(http.post("/api/alerts/rules", body, "X-AUTH-TOKEN", key).status()).as(body).isEqualTo(400);
        }
        JsonObject rules = http.post("/api/alerts/rules", "{\"downAfter\":5,\"errorRatePercent\":2.5,\"p95Ms\":800}",
                "X-AUTH-TOKEN", key).json().getAsJsonObject();
        assertThat(rules.get("downAfter").getAsInt()).isEqualTo(5);
        assertThat(rules.get("errorRatePercent").getAsDouble()).isEqualTo(2.5);
        assertThat(alerts(key).getAsJsonObject("rules").get("p95Ms").getAsDouble()).isEqualTo(800);
        for (int i = 0; i < 5; i++) {
            assertThat(http.post("/api/alerts/destinations", "{\"url\":\"https://hooks.example.com/" + i + "\"}", "X-AUTH-TOKEN",
                    key).status()).isEqualTo(201);
        }
        assertThat(http.post("/api/alerts/destinations", "{\"url\":\"https://hooks.example.com/6\"}", "X-AUTH-TOKEN", key)
                .status()).as("over the per-key limit").isEqualTo(400);
        long id = alerts(key).getAsJsonArray("destinations").get(0).getAsJsonObject().get("id").getAsLong();
        String other = http.newKey();
        assertThat(http.delete("/api/alerts/destinations/" + id, "X-AUTH-TOKEN", other).status()).isEqualTo(404);
        assertThat(http.delete("/api/alerts/destinations/" + id, "X-AUTH-TOKEN", key).status()).isEqualTo(204);
        assertThat(alerts(key).getAsJsonArray("destinations")).hasSize(4);
        assertThat(alerts(other).getAsJsonArray("destinations")).isEmpty();
    }

    void addDestination(String key, String url, String format) {
        Http.Response answer = http.post("/api/alerts/destinations", "{\"url\":\"" + url + "\",\"format\":\"" + format + "\"}",
                "X-AUTH-TOKEN", key);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    long createMonitor(String key, String url) {
        Http.Response answer = http.post("/api/monitors", "{\"url\":\"" + url + "\",\"method\":\"GET\",\"intervalSeconds\":"
                + INTERVAL + ",\"timeoutSeconds\":5}", "X-AUTH-TOKEN", key);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().getAsJsonObject().get("id").getAsLong();
    }

    /** Moves the clock one interval on and waits for the ping that makes {@code count}. */
    void ping(String key, long monitor, int count) {
        clock.advance(Duration.ofSeconds(INTERVAL));
        awaitPings(key, monitor, count);
    }

    void awaitPings(String key, long monitor, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> pings(key, monitor) >= count);
        assertThat(pings(key, monitor)).isEqualTo(count);
    }

    private long pings(String key, long monitor) {
        for (JsonElement m : http.get("/api/monitors?period=24h", "X-AUTH-TOKEN", key).json().getAsJsonObject()
                .getAsJsonArray("monitors")) {
            if (m.getAsJsonObject().get("id").getAsLong() == monitor) {
                return m.getAsJsonObject().getAsJsonObject("windows").getAsJsonObject("24h").get("pings").getAsLong();
            }
        }
        throw new AssertionError("monitor " + monitor + " is gone");
    }

    static List<LocalServer.Received> awaitDeliveries(LocalServer receiver, String path, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> receiver.received(path).size() >= count);
        return receiver.received(path);
    }

    private void awaitAttempts(String key, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonArray deliveries = alerts(key).getAsJsonArray("deliveries");
            return !deliveries.isEmpty() && deliveries.get(0).getAsJsonObject().getAsJsonArray("attempts").size() >= count;
        });
    }

    private JsonObject alerts(String key) {
        Http.Response answer = http.get("/api/alerts", "X-AUTH-TOKEN", key);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().getAsJsonObject();
    }

    /** Room for a late, wrong delivery to show up: a few delivery ticks. */
    static void settle() {
        try {
            Thread.sleep(4 * AlertExtension.DELIVERY_TICK.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
