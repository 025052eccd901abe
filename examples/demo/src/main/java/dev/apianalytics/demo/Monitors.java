package dev.apianalytics.demo;

import dev.apianalytics.server.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's two uptime monitors against the demo API, registered through the collector's
 * monitoring API: {@code /health}, always up, and {@code /api/v1/inventory}, which fails now
 * and then. The collector pings both live every {@link #INTERVAL} (the demo's test, shorter), and
 * posts the key's alerts to the demo's {@link AlertReceiver}.
 */
final class Monitors {

    /** How often the collector pings the demo's API live: its shortest interval by default. */
    static final Duration INTERVAL = Duration.ofSeconds(30);
    /** Failed pings in a row that make a monitor down: two, so that one failure now and then stays quiet. */
    static final int DOWN_AFTER = 2;
    /** The spacing of the month of pings written before the live ones. */
    private static final Duration PAST_INTERVAL = Duration.ofMinutes(20);

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    private final HttpClient client = HttpClient.newHttpClient();
    private final String collectorUrl;
    private final String apiKey;
    private final Duration interval;

    Monitors(String collectorUrl, String apiKey, Duration interval) {
        this.collectorUrl = collectorUrl;
        this.apiKey = apiKey;
        this.interval = interval;
    }

    /** Registers a monitor (GET every interval, a ping timing out after 5 s); returns its id. */
    long add(String url) throws IOException, InterruptedException {
        String body = "{\"url\":\"" + url + "\",\"method\":\"GET\",\"intervalSeconds\":" + interval.toSeconds()
                + ",\"timeoutSeconds\":5}";
        HttpResponse<String> response = post("/api/monitors", body, 201);
        Matcher id = ID.matcher(response.body());
        if (!id.find()) {
            throw new IOException("the collector answered the monitor " + url + " without an id: " + response.body());
        }
        return Long.parseLong(id.group(1));
    }

    /**
     * Sends the key's alerts to {@code webhookUrl} (generic JSON), a monitor being down after
     * {@link #DOWN_AFTER} failed pings in a row; register it before the monitors, so that their
     * first pings are judged with it.
     */
    void alertTo(String webhookUrl) throws IOException, InterruptedException {
        post("/api/alerts/destinations", "{\"url\":\"" + webhookUrl + "\",\"format\":\"json\"}", 201);
        post("/api/alerts/rules", "{\"downAfter\":" + DOWN_AFTER + "}", 200);
    }

    private HttpResponse<String> post(String path, String body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(collectorUrl + path))
                        .header("X-AUTH-TOKEN", apiKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException("the collector refused " + path + " " + body + ": HTTP " + response.statusCode() + " "
                    + response.body());
        }
        return response;
    }

    /**
     * Writes a month of past pings for a monitor, one every twenty minutes: the collector only pings
     * from now on, and a collector that had watched the API for a month would have them. This is the one place
     * the demo writes to the database directly (into the monitor tables, as the collector's
     * scheduler does), which only an embedding demo can do; its requests all go through the
     * ingestion API. A flaky monitor fails about one ping in twenty, and through
     * {@link History}'s incident.
     */
    static void recordPast(Storage storage, long monitorId, boolean flaky, Instant now) throws SQLException {
        Random random = new Random(monitorId);
        List<String> rows = new ArrayList<>();
        Instant first = now.minus(History.DAYS, ChronoUnit.DAYS);
        for (Instant at = first; at.isBefore(now.minus(PAST_INTERVAL)); at = at.plus(PAST_INTERVAL)) {
            boolean incident = History.isIncident(at, now);
            boolean fails = flaky && (incident ? random.nextInt(3) > 0 : random.nextInt(20) == 0);
            boolean timesOut = fails && incident && random.nextBoolean();
            int status = timesOut ? 0 : fails ? 503 : 200;
            double millis = timesOut ? 5_000 : (flaky ? 18 : 2) * Math.exp(0.4 * random.nextGaussian()) * (incident ? 12 : 1);
            rows.add(String.format(Locale.ROOT, "(TIMESTAMP '%s', %d, %.3f, %s, %s)",
                    LocalDateTime.ofInstant(at, ZoneOffset.UTC), status, millis, !fails,
                    timesOut ? "'timeout: no response within 5 s'" : "NULL"));
        }
        // a few statements of many rows each: row by row, the month would take the embedded database minutes
        try (Connection connection = storage.connection(); Statement insert = connection.createStatement()) {
            for (int from = 0; from < rows.size(); from += 1_000) {
                insert.executeUpdate("INSERT INTO monitor_pings (key_id, monitor_id, created_at, status, response_time, up, "
                        + "failure) SELECT m.key_id, m.monitor_id, p.* FROM monitors m, (VALUES "
                        + String.join(", ", rows.subList(from, Math.min(rows.size(), from + 1_000)))
                        + ") AS p WHERE m.monitor_id = " + monitorId);
            }
        }
    }
}
