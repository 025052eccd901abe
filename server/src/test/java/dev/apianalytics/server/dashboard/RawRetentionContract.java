package dev.apianalytics.server.dashboard;

import static dev.apianalytics.server.dashboard.DashboardApiContract.counts;
import static dev.apianalytics.server.dashboard.DashboardApiContract.endpoints;
import static dev.apianalytics.server.dashboard.DashboardApiContract.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.dashboard.SeedData.Row;
import dev.apianalytics.server.keys.ApiKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Raw-row retention over 60 days of rows with {@code --raw-retention-days 30}: the rows of the
 * older 30 days are deleted, the 30-day views stay exact, the 60-day view still answers from the
 * summaries, and the data API returns only what is kept and says where it starts. Runs on each
 * storage.
 */
abstract class RawRetentionContract {

    static final Instant NOW = Instant.parse("2026-11-20T15:30:00Z");
    private static final Duration KEPT = Duration.ofDays(30);

    private CollectorServer server;

    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    /** What the storage looks like before retention, for {@link #assertShrank}; nothing by default. */
    Object footprint(CollectorServer server) throws Exception {
        return null;
    }

    /** Asserts what retention did to the storage itself (partitions dropped, size). */
    void assertShrank(CollectorServer server, Object before) throws Exception {}

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        cleanUp();
    }

    @Test
    void rowsOlderThanTheRetentionGoWhileTheirSummariesAnswer() throws Exception {
        List<Row> rows = SeedData.rows(31, 3_000, NOW, 60);
        List<Row> older = rows.stream().filter(r -> r.createdAt().isBefore(NOW.minus(KEPT))).toList();
        List<Row> newer = rows.stream().filter(r -> !r.createdAt().isBefore(NOW.minus(KEPT))).toList();
        assertThat(older).hasSizeGreaterThan(300);

        // ingestion refuses rows before the horizon, so the older half is posted when it was recent
        MutableClock clock = new MutableClock(NOW.minus(KEPT));
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1")
                .geoDatabase(TestEnvironment.geoDatabase()).clock(clock).rawRetention(KEPT)).build());
        Http http = new Http(server.url());
        String key = http.newKey();
        SeedData.post(http, key, older);
        clock.advance(KEPT);
        SeedData.post(http, key, newer);
        server.summarise();
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        assertThat(storedRows(keyId)).isEqualTo(rows.size());

        JsonObject longBefore = dashboard(http, key, "period=6m");
        Object footprint = footprint(server);
        assertThat(server.runRawRetention()).isGreaterThanOrEqualTo(older.size() - 10);
        Instant horizon = NOW.minus(KEPT).truncatedTo(ChronoUnit.HOURS);
        long kept = rows.stream().filter(r -> !r.createdAt().isBefore(horizon)).count();
        assertThat(storedRows(keyId)).as("the older rows are gone").isBetween((long) newer.size(), kept);
        assertThat(server.runRawRetention()).as("a second run finds nothing more").isZero();
        assertShrank(server, footprint);

        // the 30-day view: exact where summaries are, its previous period from the summaries alone
        JsonObject thirty = dashboard(http, key, "period=30d");
        Expected current = new Expected(rows, NOW.minus(KEPT), NOW, ZoneOffset.UTC, r -> true);
        assertThat(thirty.get("estimated").getAsBoolean()).isTrue();
        assertThat(thirty.get("rowsFrom").isJsonNull()).as("nothing of this view is gone").isTrue();
        JsonObject summary = thirty.getAsJsonObject("summary");
        assertThat(summary.getAsJsonObject("requests").get("current").getAsLong()).isEqualTo(current.requests());
        assertThat(summary.getAsJsonObject("requests").get("previous").getAsLong()).isEqualTo(older.size());
        assertThat(summary.getAsJsonObject("successRate").get("current").getAsDouble())
                .isCloseTo(current.successRate(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(counts(thirty, "statuses")).isEqualTo(current.statuses());
        assertThat(counts(thirty, "countries")).isEqualTo(current.countBy(Row::country));
        assertThat(endpoints(thirty, "requests")).isEqualTo(current.endpoints());
        assertThat(longs(thirty.getAsJsonArray("hours"))).isEqualTo(current.hours());
        assertThat(longs(thirty.getAsJsonArray("weekdays"))).isEqualTo(current.weekdays());

        // one country is a slice of the summaries: its previous period too, though its rows are gone
        JsonObject germany = dashboard(http, key, "period=30d&country=DE");
        assertThat(germany.get("estimated").getAsBoolean()).isTrue();
        JsonObject germanRequests = germany.getAsJsonObject("summary").getAsJsonObject("requests");
        assertThat(germanRequests.get("current").getAsLong()).isEqualTo(newer.stream().filter(r -> r.country().equals("DE")).count());
        assertThat(germanRequests.get("previous").getAsLong()).isEqualTo(older.stream().filter(r -> r.country().equals("DE")).count());

        // a filter the summaries cannot answer reads the rows: exact for the period, and it says older rows are gone
        JsonObject user = dashboard(http, key, "period=30d&user=alice");
        assertThat(user.get("estimated").getAsBoolean()).isFalse();
        assertThat(user.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong())
                .isEqualTo(newer.stream().filter(r -> "alice".equals(r.userId())).count()).isPositive();
        assertThat(user.get("rowsFrom").getAsString()).isEqualTo(horizon.toString());

        // a weekday in India takes the part hours at its days' edges from the rows: with the previous
        // period's gone, the kept rows answer it, and say so
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        JsonObject wednesday = dashboard(http, key, "period=30d&tz=Asia/Kolkata&weekday=3");
        assertThat(wednesday.get("estimated").getAsBoolean()).isFalse();
        assertThat(SummariesContract.strings(wednesday, "rowsReadFor")).containsExactly("weekday");
        assertThat(wednesday.get("rowsFrom").getAsString()).isEqualTo(horizon.toString());
        assertThat(wednesday.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong())
                .isEqualTo(new Expected(rows, NOW.minus(KEPT), NOW, kolkata,
                        r -> r.createdAt().atZone(kolkata).getDayOfWeek().getValue() == 3).requests()).isPositive();

        // the 6-month view (the 60 days of rows) still answers from the summaries, with every count it had before
        JsonObject longView = dashboard(http, key, "period=6m");
        assertThat(longView.get("estimated").getAsBoolean()).isTrue();
        assertThat(longView.get("rowsFrom").getAsString()).isEqualTo(horizon.toString());
        assertThat(longView.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong())
                .isEqualTo(rows.size());
        for (String panel : List.of("statuses", "countries", "clients", "oses", "devices", "referrers")) {
            assertThat(counts(longView, panel)).as(panel).isEqualTo(counts(longBefore, panel));
        }
        assertThat(endpoints(longView, "requests")).isEqualTo(endpoints(longBefore, "requests"));
        assertThat(longView.get("hours")).isEqualTo(longBefore.get("hours"));
        assertSameActivity(longView, longBefore);
        assertThat(requests(dashboard(http, key, "period=all"))).as("all time starts at the first summary")
                .isEqualTo(rows.size());

        // the data API returns the kept rows only, and says from when
        Http.Response data = http.get("/api/data", "X-AUTH-TOKEN", key);
        assertThat(data.status()).isEqualTo(200);
        assertThat(data.header("X-Data-Available-From")).isEqualTo(horizon.toString());
        assertThat(Long.parseLong(data.header("X-Total-Count"))).isEqualTo(kept);
        for (JsonElement row : data.json().getAsJsonArray()) {
            assertThat(Instant.parse(row.getAsJsonObject().get("created_at").getAsString())).isAfterOrEqualTo(horizon);
        }
        assertThat(http.get("/api/data?dateTo=" + NOW.minus(Duration.ofDays(45)).toString().substring(0, 10),
                "X-AUTH-TOKEN", key).header("X-Total-Count")).isEqualTo("0");

        // a row before the horizon would be summarised alone into an hour whose rows are gone: refused
        Row stale = rows.get(0).at(horizon.minus(Duration.ofMinutes(1)));
        Http.Response refused = http.postGzip("/api/log-request", body(key, stale));
        assertThat(refused.json().getAsJsonObject().get("rejected").getAsInt()).as(refused.body()).isEqualTo(1);
    }

    private static String body(String key, Row row) {
        return "{\"api_key\":\"" + key + "\",\"framework\":\"Javalin\",\"privacy_level\":0,\"requests\":[{\"hostname\":\""
                + row.hostname() + "\",\"ip_address\":\"" + row.ip() + "\",\"path\":\"" + row.path()
                + "\",\"user_agent\":\"curl/8\",\"method\":\"GET\",\"status\":200,\"response_time\":5,\"created_at\":\""
                + row.createdAt() + "\"}]}";
    }

    /**
     * The same activity points: counts exactly, means within {@link DashboardApiContract#TOLERANCE}, since
     * a database may add up a bucket's response times in another order after rows are deleted (on
     * PostgreSQL the means once differed in their last digit).
     */
    private static void assertSameActivity(JsonObject view, JsonObject before) {
        List<JsonElement> points = view.getAsJsonArray("activity").asList();
        List<JsonElement> expected = before.getAsJsonArray("activity").asList();
        assertThat(points).hasSameSizeAs(expected);
        for (int i = 0; i < points.size(); i++) {
            JsonObject point = points.get(i).getAsJsonObject();
            JsonObject was = expected.get(i).getAsJsonObject();
            for (String count : List.of("t", "requests", "users")) {
                assertThat(point.get(count)).as("activity %s %s", was.get("t"), count).isEqualTo(was.get(count));
            }
            for (String mean : List.of("meanResponseTime", "successRate")) {
                if (was.get(mean).isJsonNull()) {
                    assertThat(point.get(mean).isJsonNull()).as("activity %s %s", was.get("t"), mean).isTrue();
                } else {
                    assertThat(point.get(mean).getAsDouble()).as("activity %s %s", was.get("t"), mean)
                            .isCloseTo(was.get(mean).getAsDouble(), within(DashboardApiContract.TOLERANCE));
                }
            }
        }
    }

    private long storedRows(long keyId) throws Exception {
        try (Connection connection = server.storage().connection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM requests WHERE key_id = ?")) {
            select.setLong(1, keyId);
            try (ResultSet found = select.executeQuery()) {
                found.next();
                return found.getLong(1);
            }
        }
    }

    private static JsonObject dashboard(Http http, String key, String query) {
        Http.Response response = http.get("/api/dashboard?" + query, "X-AUTH-TOKEN", key);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().getAsJsonObject();
    }

    private static long requests(JsonObject data) {
        return data.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong();
    }
}
