package dev.apianalytics.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.apianalytics.server.CollectorServer;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's month of history, posted at 3% of its size to a real collector, as a newcomer sees
 * it on the dashboard's 30-day view and the monitoring page. The dashboard answers this small
 * month from its rows (below {@code --summary-min-requests}), so the test leaves the summaries,
 * which the server's own tests cover, to the collector's minutely job.
 */
class DemoHistoryTest {

    @TempDir
    static Path dataDir;

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** Live pings this far apart, not the demo's 30 s: the inventory's outage is over in seconds. */
    private static final Duration PING_INTERVAL = Duration.ofSeconds(5);
    private static CollectorServer collector;
    private static Javalin api;
    private static String apiKey;
    private static Instant started;
    private static AlertReceiver alerts;

    @BeforeAll
    static void backfill() throws Exception {
        collector = CollectorServer.start(Demo.collectorConfig(0, dataDir).monitorMinInterval(PING_INTERVAL).build());
        apiKey = get("/api/generate-api-key", false).replace("\"", "").trim();
        api = DemoApi.start(apiKey, collector.url(), 0, PING_INTERVAL);
        alerts = AlertReceiver.start();
        started = Instant.now();
        long rows = Demo.backfill(collector, apiKey, "http://127.0.0.1:" + api.port(), alerts.url(), 0.03, PING_INTERVAL);
        assertThat(rows).isGreaterThan(3_000);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.stop();
        }
        if (collector != null) {
            collector.close();
        }
        if (alerts != null) {
            alerts.close();
        }
    }

    @Test
    void everyDayOfTheMonthHasActivityAndTheMonthGrows() throws Exception {
        JsonObject month = dashboard("");
        List<Long> days = new ArrayList<>();
        for (JsonElement point : month.getAsJsonArray("activity")) {
            days.add(point.getAsJsonObject().get("requests").getAsLong());
        }
        assertThat(days).hasSizeGreaterThanOrEqualTo(30);
        // the first bucket is the part of a day that the period starts in: minutes of a night
        // when the test runs just before midnight, too few for a 3% month to fill
        assertThat(days.subList(1, days.size())).allMatch(requests -> requests > 0);
        // compare whole weeks, so weekends do not decide it
        long firstWeek = days.subList(1, 8).stream().mapToLong(Long::longValue).sum();
        long lastWeek = days.subList(days.size() - 8, days.size() - 1).stream().mapToLong(Long::longValue).sum();
        assertThat(lastWeek).isGreaterThan(firstWeek * 3 / 2);
    }

    @Test
    void theMonthHasHostnamesReferrersUsersAndTheReleasesVersion() throws Exception {
        JsonObject month = dashboard("");
        // the demo API's own host too, where the live pings of the monitors arrive
        assertThat(month.getAsJsonArray("hostnames")).map(JsonElement::getAsString).containsAll(History.HOSTNAMES);
        assertThat(keys(month.getAsJsonArray("referrers"))).contains("https://www.google.com/");
        assertThat(keys(month.getAsJsonArray("versions"))).contains("v1", "v2");
        assertThat(month.getAsJsonObject("summary").getAsJsonObject("userIds").get("current").getAsLong()).isGreaterThan(50);
        long[] hours = new com.google.gson.Gson().fromJson(month.get("hours"), long[].class);
        assertThat(hours[15]).isGreaterThan(hours[3] * 5);
    }

    @Test
    void theIncidentDayHasServerErrorsAndQuietDaysAlmostNone() throws Exception {
        LocalDate incident = LocalDate.ofInstant(started.minus(Duration.ofDays(History.INCIDENT_DAYS_AGO)),
                ZoneOffset.UTC);
        JsonObject errors = dashboard("&status=5xx");
        long onIncidentDay = 0;
        long mostOnAnotherDay = 0;
        for (JsonElement point : errors.getAsJsonArray("activity")) {
            long requests = point.getAsJsonObject().get("requests").getAsLong();
            LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(point.getAsJsonObject().get("t").getAsLong()), ZoneOffset.UTC);
            if (day.equals(incident)) {
                onIncidentDay = requests;
            } else {
                mostOnAnotherDay = Math.max(mostOnAnotherDay, requests);
            }
        }
        assertThat(onIncidentDay).isGreaterThan(mostOnAnotherDay * 2);
    }

    @Test
    void bothMonitorsHaveAMonthOfPingsAndOnlyTheFlakyOneFails() throws Exception {
        JsonArray monitors = JsonParser.parseString(get("/api/monitors?period=30d", true)).getAsJsonObject()
                .getAsJsonArray("monitors");
        assertThat(monitors).hasSize(2);
        JsonObject healthy = monitors.get(0).getAsJsonObject();
        JsonObject flaky = monitors.get(1).getAsJsonObject();
        assertThat(healthy.get("url").getAsString()).endsWith("/health");
        assertThat(flaky.get("url").getAsString()).endsWith("/api/v1/inventory");
        JsonObject healthyMonth = healthy.getAsJsonObject("windows").getAsJsonObject("30d");
        JsonObject flakyMonth = flaky.getAsJsonObject("windows").getAsJsonObject("30d");
        assertThat(healthyMonth.get("pings").getAsLong()).isGreaterThan(2_000);
        // a live ping may time out on a loaded machine: one in a hundred would still be news
        assertThat(healthyMonth.get("uptime").getAsDouble()).isGreaterThan(0.99);
        assertThat(flakyMonth.get("uptime").getAsDouble()).isBetween(0.8, 0.99);
        assertThat(flaky.getAsJsonArray("recentFailures")).isNotEmpty();
    }

    /** The stock service restarts on the inventory monitor's first ping: its second failure is an outage. */
    @Test
    void theInventoryOutageAtTheStartIsDeliveredToTheWebhookAndListed() throws Exception {
        // the second ping comes an interval after the first: wait for it with a wide margin
        Instant deadline = started.plus(PING_INTERVAL.multipliedBy(12));
        while (alerts.received().isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
        }
        assertThat(alerts.received()).as("alerts received").isNotEmpty();
        assertThat(alerts.received().get(0)).endsWith("/api/v1/inventory is down: the last " + Monitors.DOWN_AFTER
                + " pings failed");
        JsonArray deliveries = JsonParser.parseString(get("/api/alerts", true)).getAsJsonObject().getAsJsonArray("deliveries");
        assertThat(deliveries).isNotEmpty();
        assertThat(deliveries.get(deliveries.size() - 1).getAsJsonObject().get("event").getAsString()).isEqualTo("monitor.down");
    }

    private static JsonObject dashboard(String filters) throws Exception {
        return JsonParser.parseString(get("/api/dashboard?period=30d&tz=UTC" + filters, true)).getAsJsonObject();
    }

    private static List<String> keys(JsonArray counts) {
        List<String> keys = new ArrayList<>();
        counts.forEach(count -> keys.add(count.getAsJsonObject().get("key").getAsString()));
        return keys;
    }

    private static String get(String path, boolean withKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.url() + path));
        if (withKey) {
            request.header("X-AUTH-TOKEN", apiKey);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }
}
