package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.dashboard.SeedData.Row;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.summary.Summaries;
import dev.apianalytics.server.summary.SummaryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * How the hourly summaries behave as data changes: late rows, deletion, repeated runs, and the
 * views they leave to the rows. Each test has a key of its own. Runs on each storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SummariesContract {

    static final Instant NOW = Instant.parse("2026-11-20T15:30:00Z");
    /** How far behind the clock the summarised hours end. */
    static final Duration SUMMARISED_LAG = Duration.ofMinutes(15);

    CollectorServer server;
    Http http;

    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    ServerConfig.Builder config() throws Exception {
        return storage(baseConfig());
    }

    /** A collector on loopback, its clock at {@link #NOW}, every view from summaries; its storage is for the caller to add. */
    static ServerConfig.Builder baseConfig() {
        return ServerConfig.builder().port(0).bind("127.0.0.1").geoDatabase(TestEnvironment.geoDatabase())
                .clock(new MutableClock(NOW)).summaryMinRequests(0);
    }

    @BeforeAll
    void start() throws Exception {
        server = CollectorServer.start(config().build());
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
    void aLateRowIsCountedOnceItsHourIsSummarisedAgain() throws Exception {
        String key = http.newKey();
        List<Row> rows = SeedData.rows(7, 300, NOW, 3);
        SeedData.post(http, key, rows);
        server.summarise();
        JsonObject before = dashboard(key, "period=7d");
        assertThat(before.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(before)).isEqualTo(300);

        // a client that was offline for a day sends its rows now, into hours summarised already
        List<Row> late = SeedData.rows(8, 20, NOW.minus(Duration.ofDays(1)), 1);
        SeedData.post(http, key, late);
        server.summarise();
        JsonObject after = dashboard(key, "period=7d");
        assertThat(requests(after)).isEqualTo(320);
        assertThat(sum(after, "hours")).isEqualTo(320);
        long endpointTotal = 0;
        for (JsonElement endpoint : after.getAsJsonArray("endpoints")) {
            endpointTotal += endpoint.getAsJsonObject().get("requests").getAsLong();
        }
        assertThat(endpointTotal).isEqualTo(320);
    }

    @Test
    void summarisingAgainChangesNothing() throws Exception {
        String key = http.newKey();
        SeedData.post(http, key, SeedData.rows(9, 200, NOW, 5));
        server.summarise();
        String first = http.get("/api/dashboard?period=30d&tz=Europe/Paris", "X-AUTH-TOKEN", key).body();
        server.summarise();
        server.summarise();
        assertThat(roundedDecimals(http.get("/api/dashboard?period=30d&tz=Europe/Paris", "X-AUTH-TOKEN", key).body()))
                .isEqualTo(roundedDecimals(first));
    }

    /** Decimals to 12 significant digits: DuckDB adds floating sums in parallel, in no fixed order. */
    private static String roundedDecimals(String json) {
        return java.util.regex.Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?").matcher(json)
                .replaceAll(number -> String.format(java.util.Locale.ROOT, "%.12g", Double.parseDouble(number.group())));
    }

    @Test
    void deletingAKeysDataDeletesItsSummaries() throws Exception {
        String key = http.newKey();
        SeedData.post(http, key, SeedData.rows(10, 150, NOW, 2));
        server.summarise();
        assertThat(requests(dashboard(key, "period=7d"))).isEqualTo(150);

        assertThat(http.delete("/api/data", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
        assertThat(requests(dashboard(key, "period=7d"))).isZero();
        // new rows in the same hours count alone: nothing of the deleted ones is left in any summary
        SeedData.post(http, key, SeedData.rows(11, 40, NOW, 2));
        server.summarise();
        JsonObject data = dashboard(key, "period=7d");
        assertThat(data.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(data)).isEqualTo(40);
        assertThat(sum(data, "weekdays")).isEqualTo(40);
    }

    @Test
    void viewsSummariesCannotAnswerComeFromTheRows() throws Exception {
        String key = http.newKey();
        List<Row> rows = SeedData.rows(12, 400, NOW, 6);
        SeedData.post(http, key, rows);
        server.summarise();
        JsonObject status = dashboard(key, "period=7d&status=4xx");
        assertThat(status.get("estimated").getAsBoolean()).as("one status is a slice of the summaries").isTrue();
        assertThat(requests(status)).isEqualTo(rows.stream().filter(r -> r.status() / 100 == 4).count());
        // slices have quarter hours too: in India the time panels of a sliced view come from them
        JsonObject statusInIndia = dashboard(key, "period=7d&status=4xx&tz=Asia/Kolkata");
        assertThat(statusInIndia.get("estimated").getAsBoolean()).isTrue();
        assertThat(strings(statusInIndia, "rowsReadFor")).isEmpty();
        assertThat(longs(statusInIndia, "hours")).isEqualTo(new Expected(rows, NOW.minus(Duration.ofDays(7)), NOW,
                ZoneId.of("Asia/Kolkata"), r -> r.status() / 100 == 4).hours());
        long germany = rows.stream().filter(r -> r.country().equals("DE")).count();
        JsonObject country = dashboard(key, "period=7d&country=DE");
        assertThat(country.get("estimated").getAsBoolean()).as("one country is a slice of the summaries").isTrue();
        assertThat(strings(country, "rowsReadFor")).isEmpty();
        assertThat(requests(country)).isEqualTo(germany);
        // an API version is the endpoint slices of its endpoints
        JsonObject version = dashboard(key, "period=7d&version=v2");
        assertThat(version.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(version)).isEqualTo(rows.stream().filter(r -> r.path().startsWith("/v2/")).count());
        // a user is not a slice
        JsonObject user = dashboard(key, "period=7d&user=alice");
        assertThat(user.get("estimated").getAsBoolean()).isFalse();
        assertThat(strings(user, "rowsReadFor")).containsExactly("user");
        assertThat(requests(user)).isEqualTo(rows.stream().filter(r -> "alice".equals(r.userId())).count()).isPositive();
        // a local hour is the summaries of its UTC hours where local hours are UTC hours
        ZoneId paris = ZoneId.of("Europe/Paris");
        JsonObject nine = dashboard(key, "period=7d&tz=Europe/Paris&hour=9");
        assertThat(nine.get("estimated").getAsBoolean()).isTrue();
        assertThat(strings(nine, "rowsReadFor")).isEmpty();
        Expected atNine = new Expected(rows, NOW.minus(Duration.ofDays(7)), NOW, paris, r -> r.createdAt().atZone(paris).getHour() == 9);
        assertThat(requests(nine)).isEqualTo(atNine.requests()).isPositive();
        assertThat(longs(nine, "hours")).isEqualTo(atNine.hours());
        JsonObject wednesday = dashboard(key, "period=7d&tz=Europe/Paris&weekday=3");
        assertThat(wednesday.get("estimated").getAsBoolean()).isTrue();
        assertThat(longs(wednesday, "weekdays")).isEqualTo(new Expected(rows, NOW.minus(Duration.ofDays(7)), NOW, paris,
                r -> r.createdAt().atZone(paris).getDayOfWeek().getValue() == 3).weekdays());
        // the hour of the rows not yet summarised (15:00 UTC on Friday 20 November, 16:00 in Paris) and of the
        // part hour at the period's start (16:30 a week before) are narrowed alike
        Expected atFour = new Expected(rows, NOW.minus(Duration.ofDays(7)), NOW, paris, r -> r.createdAt().atZone(paris).getHour() == 16);
        JsonObject four = dashboard(key, "period=7d&tz=Europe/Paris&hour=16");
        assertThat(four.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(four)).isEqualTo(atFour.requests());
        assertThat(four.getAsJsonObject("summary").getAsJsonObject("users").get("current").getAsLong()).isEqualTo(atFour.distinctIps());
        JsonObject friday = dashboard(key, "period=7d&tz=Europe/Paris&weekday=5");
        assertThat(requests(friday)).isEqualTo(new Expected(rows, NOW.minus(Duration.ofDays(7)), NOW, paris,
                r -> r.createdAt().atZone(paris).getDayOfWeek().getValue() == 5).requests());
        // but not in India, where a local hour holds halves of two UTC hours
        JsonObject nineInIndia = dashboard(key, "period=7d&tz=Asia/Kolkata&hour=9");
        assertThat(nineInIndia.get("estimated").getAsBoolean()).isFalse();
        assertThat(strings(nineInIndia, "rowsReadFor")).containsExactly("hour");
        assertThat(requests(nineInIndia)).isEqualTo(rows.stream()
                .filter(r -> r.createdAt().atZone(ZoneId.of("Asia/Kolkata")).getHour() == 9).count());
        // nor are two filters at once
        JsonObject filtered = dashboard(key, "period=7d&country=DE&status=4xx");
        assertThat(filtered.get("estimated").getAsBoolean()).isFalse();
        assertThat(strings(filtered, "rowsReadFor")).containsExactly("status", "country");
        assertThat(requests(filtered)).isEqualTo(rows.stream().filter(r -> r.country().equals("DE") && r.status() / 100 == 4).count());
        assertThat(strings(dashboard(key, "period=7d&status=5xx&hide=/health"), "rowsReadFor")).containsExactly("status", "hide");
        // India's offset is five and a half hours: its local hours cut summary hours in two, and
        // come from the quarter-hour summaries
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        JsonObject india = dashboard(key, "period=7d&tz=Asia/Kolkata");
        Expected expected = new Expected(rows, NOW.minus(Duration.ofDays(7)), NOW, kolkata, r -> true);
        assertThat(india.get("estimated").getAsBoolean()).isTrue();
        assertThat(strings(india, "rowsReadFor")).isEmpty();
        assertThat(requests(india)).isEqualTo(400);
        assertThat(longs(india, "hours")).isEqualTo(expected.hours());
        assertThat(longs(india, "weekdays")).isEqualTo(expected.weekdays());
        Map<LocalDate, Long> perDay = new TreeMap<>();
        for (JsonElement point : dashboard(key, "period=30d&tz=Asia/Kolkata").getAsJsonArray("activity")) {
            Instant start = Instant.ofEpochMilli(point.getAsJsonObject().get("t").getAsLong());
            assertThat(start.atZone(kolkata).toLocalTime().toString()).isEqualTo("00:00");
            long requests = point.getAsJsonObject().get("requests").getAsLong();
            if (requests > 0) {
                perDay.put(LocalDate.ofInstant(start, kolkata), requests);
            }
        }
        assertThat(perDay).isEqualTo(new Expected(rows, NOW.minus(Duration.ofDays(30)), NOW, kolkata, r -> true).perLocalDay());

        JsonObject settings = dashboard(key, "period=7d&hostname=api.example.com&excludeBots=true&exclude404=true");
        assertThat(settings.get("estimated").getAsBoolean()).as("settings are split in the summaries").isTrue();
        assertThat(requests(settings)).isEqualTo(rows.stream()
                .filter(r -> r.hostname().equals("api.example.com") && !r.agent().bot() && r.status() != 404).count());
    }

    /**
     * Hidden endpoints are the endpoint slices of the endpoints left, exact, while no hidden
     * pattern matches the path of a request whose route it does not match: the summaries keep
     * routes, not paths, so such a pattern sends the view to the rows, which say so.
     */
    @Test
    void hiddenEndpointsComeFromTheSummariesUnlessAPatternMatchesOnlyAPath() throws Exception {
        String key = http.newKey();
        List<Row> rows = SeedData.rows(23, 600, NOW, 6);
        SeedData.post(http, key, rows);
        server.summarise();
        Instant weekAgo = NOW.minus(Duration.ofDays(7));
        // /health is a route; /wp-login.php has none, and its path is its endpoint
        JsonObject hidden = dashboard(key, "period=7d&hide=" + DashboardApiContract.encode("/health, /wp-*"));
        Expected expected = new Expected(rows, weekAgo, NOW, ZoneOffset.UTC,
                r -> !r.path().equals("/health") && !r.path().startsWith("/wp-"));
        assertThat(hidden.get("estimated").getAsBoolean()).isTrue();
        assertThat(strings(hidden, "rowsReadFor")).isEmpty();
        assertThat(requests(hidden)).isEqualTo(expected.requests()).isLessThan(rows.size());
        assertThat(hidden.getAsJsonObject("summary").getAsJsonObject("users").get("current").getAsLong())
                .isEqualTo(expected.distinctIps());
        assertThat(DashboardApiContract.endpoints(hidden, "requests")).isEqualTo(expected.endpoints());
        assertThat(DashboardApiContract.counts(hidden, "statuses")).isEqualTo(expected.statuses());
        assertThat(DashboardApiContract.counts(hidden, "countries")).isEqualTo(expected.countBy(Row::country));
        assertThat(longs(hidden, "hours")).isEqualTo(expected.hours());

        // /v1/users/1* matches the paths /v1/users/1, /v1/users/10 ... of the route /v1/users/{id}, not the route
        JsonObject byPath = dashboard(key, "period=7d&hide=" + DashboardApiContract.encode("/health, /v1/users/1*"));
        assertThat(byPath.get("estimated").getAsBoolean()).isFalse();
        assertThat(strings(byPath, "rowsReadFor")).containsExactly("hide");
        assertThat(requests(byPath)).isEqualTo(new Expected(rows, weekAgo, NOW, ZoneOffset.UTC,
                r -> !r.path().equals("/health") && !r.path().startsWith("/v1/users/1")).requests());
        // a clean check is remembered, but requests of the last minutes are checked again: one arriving
        // with a path that only a pattern matches sends the next view to the rows
        String hideOne = "period=7d&hide=" + DashboardApiContract.encode("/health, /v1/users/77");
        assertThat(dashboard(key, hideOne).get("estimated").getAsBoolean()).as("no such path yet").isTrue();
        postPath(key, rows.get(0), NOW.minus(Duration.ofMinutes(1)), "/v1/users/77");
        JsonObject arrived = dashboard(key, hideOne);
        assertThat(arrived.get("estimated").getAsBoolean()).isFalse();
        assertThat(strings(arrived, "rowsReadFor")).containsExactly("hide");
        // a request only the previous period holds counts too: the view compares with that period
        postPath(key, rows.get(0), NOW.minus(Duration.ofDays(10)), "/v1/users/66");
        assertThat(strings(dashboard(key, "period=7d&hide=" + DashboardApiContract.encode("/v1/users/66")), "rowsReadFor"))
                .containsExactly("hide");
        // LIKE's own wildcards are literal in a pattern, in the rows' check (/v1/users/1_ would match
        // the path /v1/users/12) as on the summaries
        JsonObject underscore = dashboard(key, "period=7d&hide=" + DashboardApiContract.encode("/v1/users/1_"));
        assertThat(underscore.get("estimated").getAsBoolean()).isTrue();
        assertThat(strings(underscore, "rowsReadFor")).isEmpty();
        JsonObject literal = dashboard(key, "period=7d&hide=" + DashboardApiContract.encode("/v1_orders, /v1/orders%"));
        assertThat(literal.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(literal)).isEqualTo(new Expected(rows, weekAgo, NOW, ZoneOffset.UTC, r -> true).requests() + 1);
        // a pattern matching a route hides all its paths, from the summaries
        JsonObject byRoute = dashboard(key, "period=7d&hide=" + DashboardApiContract.encode("/v1/users/*"));
        assertThat(byRoute.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(byRoute)).isEqualTo(new Expected(rows, weekAgo, NOW, ZoneOffset.UTC,
                r -> !r.path().startsWith("/v1/users/")).requests());
    }

    /**
     * The hidden patterns' check remembers what the rows showed for its lifetime, five minutes
     * after the first check: a span found clean, of which later views check only the part outside
     * it and its last minutes (a request arriving late into the rest is not seen until then), and
     * a request found, while a view's span holds it.
     */
    @Test
    void theHiddenPathCheckRemembersWhatTheRowsShowed() throws Exception {
        String key = http.newKey();
        List<Row> rows = SeedData.rows(24, 200, NOW, 6);
        SeedData.post(http, key, rows);
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        Instant weekAgo = NOW.minus(Duration.ofDays(7));
        Instant monthAgo = NOW.minus(Duration.ofDays(30));
        DashboardSql sql = hiding("/v1/users/99");
        MutableClock clock = new MutableClock(NOW);
        HiddenPathChecks checks = new HiddenPathChecks(clock);
        try (Connection connection = server.storage().connection()) {
            assertThat(checks.hiddenOnlyByPath(connection, keyId, sql, weekAgo, NOW)).as("no such path").isFalse();
            postPath(key, rows.get(0), NOW.minus(Duration.ofDays(2)), "/v1/users/99");
            assertThat(checks.hiddenOnlyByPath(connection, keyId, sql, weekAgo, NOW)).as("remembered").isFalse();
            clock.advance(HiddenPathChecks.LIFETIME.minusSeconds(1));
            assertThat(checks.hiddenOnlyByPath(connection, keyId, sql, weekAgo, NOW)).as("still remembered").isFalse();
            clock.advance(Duration.ofSeconds(1));
            assertThat(checks.hiddenOnlyByPath(connection, keyId, sql, weekAgo, NOW)).as("forgotten").isTrue();
            // what was found is remembered while a view's span holds it, and only then: the request
            // deleted, a view holding its time is still sent to the rows, within the lifetime
            execute("DELETE FROM requests WHERE key_id = " + keyId + " AND path = '/v1/users/99'");
            assertThat(checks.knownToHide(keyId, sql, monthAgo, NOW)).isTrue();
            assertThat(checks.hiddenOnlyByPath(connection, keyId, sql, monthAgo, NOW)).isTrue();
            assertThat(checks.hiddenOnlyByPath(connection, keyId, sql, weekAgo, NOW.minus(Duration.ofDays(3)))).isFalse();

            // a longer view checks what the clean span leaves out
            DashboardSql other = hiding("/v1/users/98");
            HiddenPathChecks longer = new HiddenPathChecks(clock);
            assertThat(longer.hiddenOnlyByPath(connection, keyId, other, weekAgo, NOW)).isFalse();
            postPath(key, rows.get(0), NOW.minus(Duration.ofDays(20)), "/v1/users/98");
            assertThat(longer.hiddenOnlyByPath(connection, keyId, other, weekAgo, NOW)).as("outside the view").isFalse();
            assertThat(longer.hiddenOnlyByPath(connection, keyId, other, monthAgo, NOW)).as("the part before").isTrue();

            // and the last minutes of a clean span are checked every time
            DashboardSql recentPath = hiding("/v1/users/97");
            HiddenPathChecks recent = new HiddenPathChecks(clock);
            assertThat(recent.hiddenOnlyByPath(connection, keyId, recentPath, weekAgo, NOW)).isFalse();
            postPath(key, rows.get(0), NOW.minus(Duration.ofMinutes(3)), "/v1/users/97");
            assertThat(recent.hiddenOnlyByPath(connection, keyId, recentPath, weekAgo, NOW)).as("checked again").isTrue();
        }
    }

    private DashboardSql hiding(String pattern) {
        DashboardQuery query = DashboardQuery.parse(Map.of("hide", List.of(pattern)));
        return new DashboardSql(server.storage().dialect(), query, NOW.minus(Duration.ofDays(60)), NOW);
    }

    /** Posts a copy of {@code like} made at {@code createdAt} with {@code path}, of the route {@code /v1/users/{id}}. */
    private void postPath(String key, Row like, Instant createdAt, String path) throws Exception {
        SeedData.post(http, key, List.of(new Row(createdAt, like.hostname(), like.ip(), like.country(), path, "/v1/users/{id}",
                "GET", 200, like.responseTime(), like.agent(), like.userId(), like.referrer())));
    }

    /**
     * Zones offset by half and three quarters of an hour get every panel from the summaries. As
     * after an upgrade, the quarter hours first start at the summaries' progress, and older views
     * take their time panels from the rows until the job has extended the quarters back; then,
     * with the raw rows gone from storage, hours, weekdays and activity buckets (requests and
     * distinct users) still match the rows.
     */
    @Test
    void halfAndThreeQuarterHourZonesComeFromTheSummaries() throws Exception {
        String key = http.newKey();
        // every row in an hour summarised already, none in the part hour a 24-hour view starts
        // with, so that the rows themselves can be removed
        Instant summarised = NOW.minus(SUMMARISED_LAG).truncatedTo(ChronoUnit.HOURS);
        Instant dayAgo = NOW.minus(Duration.ofDays(1));
        List<Row> rows = SeedData.rows(20, 600, summarised, 6).stream()
                .filter(r -> r.createdAt().isBefore(dayAgo) || !r.createdAt().isBefore(dayAgo.plus(Duration.ofMinutes(30))))
                .toList();
        SeedData.post(http, key, rows);
        server.summarise();

        execute("DELETE FROM rollup_quarters");
        execute("DELETE FROM rollup_quarter_users");
        execute("UPDATE rollup_progress SET rolled_until = (SELECT rolled_until FROM rollup_progress WHERE id = 1) WHERE id = 2");
        JsonObject upgraded = dashboard(key, "period=7d&tz=Asia/Kolkata");
        assertThat(strings(upgraded, "rowsReadFor")).containsExactly("tz");
        assertThat(longs(upgraded, "hours")).isEqualTo(new Expected(rows, NOW.minus(Duration.ofDays(7)), NOW,
                ZoneId.of("Asia/Kolkata"), r -> true).hours());
        server.summarise();
        assertThat(strings(dashboard(key, "period=7d&tz=Asia/Kolkata"), "rowsReadFor")).isEmpty();

        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        execute("DELETE FROM requests WHERE key_id = " + keyId);
        for (String zoneName : List.of("Asia/Kolkata", "Asia/Kathmandu", "Australia/Eucla")) {
            ZoneId zone = ZoneId.of(zoneName);
            // buckets of an hour (every hour shared by two), of three hours and of a day (an hour a day shared)
            for (String period : List.of("24h", "7d", "30d")) {
                Instant from = NOW.minus(Duration.ofDays(switch (period) {
                    case "24h" -> 1;
                    case "7d" -> 7;
                    default -> 30;
                }));
                JsonObject data = dashboard(key, "period=" + period + "&tz=" + zoneName);
                Expected expected = new Expected(rows, from, NOW, zone, r -> true);
                String view = zoneName + " " + period;
                assertThat(data.get("estimated").getAsBoolean()).as(view).isTrue();
                assertThat(strings(data, "rowsReadFor")).as(view).isEmpty();
                assertThat(requests(data)).as(view).isEqualTo(expected.requests());
                assertThat(longs(data, "hours")).as(view).isEqualTo(expected.hours());
                assertThat(longs(data, "weekdays")).as(view).isEqualTo(expected.weekdays());
                assertThat(activity(data, zone, "requests")).as(view).isEqualTo(perBucket(rows, from, zone, period, false));
                assertThat(activity(data, zone, "users")).as(view).isEqualTo(perBucket(rows, from, zone, period, true));
            }
        }
    }

    /**
     * A view filtered by a slice in a zone offset by 30 or 45 minutes: hours, weekdays and
     * activity from the slice's quarter hours, users per bucket from the slice's hourly sketches
     * where a bucket holds the hour whole and from the rows of the hours two buckets share.
     */
    @Test
    void slicedViewsInHalfAndThreeQuarterHourZonesMatchTheRows() throws Exception {
        String key = http.newKey();
        List<Row> rows = everyOtherByAUserOfItsOwn(SeedData.rows(22, 1_500, NOW, 29));
        SeedData.post(http, key, rows);
        server.summarise();
        assertSlicedViewsInHalfAndThreeQuarterHourZonesMatch(key, rows);
    }

    /**
     * The users of the hours that two activity buckets share come from the slices' users per
     * quarter hour: with the summarised rows deleted, sliced views in India, Nepal and
     * Newfoundland are as before. Hours whose sketches lack them (an older collector's, during a
     * rolling upgrade) and hours summarised before they were kept (an upgraded database) take
     * them from the rows, and match them too.
     */
    @Test
    void slicedViewsInHalfAndThreeQuarterHourZonesNeedNoRows() throws Exception {
        String kept = http.newKey();
        String upgraded = http.newKey();
        // every row in an hour summarised already, none in the part hours the views start with
        Instant summarised = NOW.minus(SUMMARISED_LAG).truncatedTo(ChronoUnit.HOURS);
        List<Row> rows = everyOtherByAUserOfItsOwn(SeedData.rows(24, 1_500, summarised, 29)).stream()
                .filter(r -> java.util.stream.Stream.of(1, 7, 30).map(days -> NOW.minus(Duration.ofDays(days)))
                        .noneMatch(start -> !r.createdAt().isBefore(start) && r.createdAt().isBefore(start.plus(Duration.ofMinutes(30)))))
                .toList();
        SeedData.post(http, kept, rows);
        SeedData.post(http, upgraded, rows);
        server.summarise();

        execute("DELETE FROM requests WHERE key_id = " + server.storage().findKey(ApiKeys.hash(kept)).orElseThrow());
        assertSlicedViewsInHalfAndThreeQuarterHourZonesMatch(kept, rows);

        long upgradedId = server.storage().findKey(ApiKeys.hash(upgraded)).orElseThrow();
        for (String table : Summaries.SLICE_SKETCH_TABLES) {
            execute("UPDATE " + table + " SET quarter_users = NULL WHERE key_id = " + upgradedId);
        }
        assertSlicedViewsInHalfAndThreeQuarterHourZonesMatch(upgraded, rows);
        Instant quartersFrom;
        try (Connection connection = server.storage().connection()) {
            quartersFrom = SummaryJob.sliceQuarterUsersFrom(connection);
        }
        execute("DELETE FROM rollup_progress WHERE id = 4");
        execute(Summaries.migrations().stream().filter(m -> m.id().equals("rollup-slice-quarter-users-from")).findFirst()
                .orElseThrow().sql(server.storage().dialect()));
        try {
            assertSlicedViewsInHalfAndThreeQuarterHourZonesMatch(upgraded, rows);
        } finally {
            execute("UPDATE rollup_progress SET rolled_until = " + DashboardSql.literal(quartersFrom) + " WHERE id = 4");
        }
    }

    /** Every other request by a user of its own: a user counted in the wrong activity bucket shows. */
    private static List<Row> everyOtherByAUserOfItsOwn(List<Row> seeded) {
        List<Row> rows = new ArrayList<>();
        for (Row r : seeded) {
            rows.add(rows.size() % 2 == 1 ? r : new Row(r.createdAt(), r.hostname(), r.ip(), r.country(), r.path(), r.route(),
                    r.method(), r.status(), r.responseTime(), r.agent(), "user-" + rows.size(), r.referrer()));
        }
        return rows;
    }

    /** Views filtered by each kind of slice, in three zones offset by 30 or 45 minutes, from the summaries, match {@code rows}. */
    private void assertSlicedViewsInHalfAndThreeQuarterHourZonesMatch(String key, List<Row> rows) throws Exception {
        Map<String, java.util.function.Predicate<Row>> filters = Map.of(
                "status=4xx", r -> r.status() / 100 == 4,
                "country=DE", r -> r.country().equals("DE"),
                "hide=/health", r -> !r.path().equals("/health"),
                // the version's rows are matched, not extracted (Summaries.versionIs)
                "version=v1", r -> r.path().startsWith("/v1/"));
        // St John's is 3:30 behind UTC, 2:30 in summer, and left summer time on 1 November 2026
        for (String zoneName : List.of("Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns")) {
            ZoneId zone = ZoneId.of(zoneName);
            for (String period : List.of("24h", "7d", "30d")) {
                Instant from = NOW.minus(Duration.ofDays(period.equals("24h") ? 1 : period.equals("7d") ? 7 : 30));
                for (Map.Entry<String, java.util.function.Predicate<Row>> filter : filters.entrySet()) {
                    String view = zoneName + " " + period + " " + filter.getKey();
                    JsonObject data = dashboard(key, "period=" + period + "&tz=" + zoneName + "&" + filter.getKey());
                    Expected expected = new Expected(rows, from, NOW, zone, filter.getValue());
                    assertThat(data.get("estimated").getAsBoolean()).as(view).isTrue();
                    assertThat(strings(data, "rowsReadFor")).as(view).isEmpty();
                    assertThat(requests(data)).as(view).isEqualTo(expected.requests());
                    assertThat(longs(data, "hours")).as(view).isEqualTo(expected.hours());
                    assertThat(longs(data, "weekdays")).as(view).isEqualTo(expected.weekdays());
                    assertThat(activity(data, zone, "requests")).as(view)
                            .isEqualTo(perBucket(rows, from, zone, period, false, filter.getValue()));
                    assertThat(activity(data, zone, "users")).as(view)
                            .isEqualTo(perBucket(rows, from, zone, period, true, filter.getValue()));
                }
            }
        }
    }

    /**
     * A weekday in a zone whose days start inside UTC hours (India's at 18:30 UTC, Nepal's at 18:15,
     * Newfoundland's at 02:30 or 03:30 as its clocks change):
     * the summaries of the hours wholly in its days, and the rows of the part hours at their edges,
     * match the rows to the request, the previous period and the activity's users included.
     */
    @Test
    void aWeekdayInHalfAndThreeQuarterHourZonesComesFromTheSummaries() throws Exception {
        String key = http.newKey();
        List<Row> rows = new ArrayList<>();
        for (Row r : SeedData.rows(23, 1_500, NOW, 29)) {
            rows.add(rows.size() % 2 == 1 ? r : new Row(r.createdAt(), r.hostname(), r.ip(), r.country(), r.path(), r.route(),
                    r.method(), r.status(), r.responseTime(), r.agent(), "user-" + rows.size(), r.referrer()));
        }
        // either side of Wednesday's start in India and in Nepal, and in the hour not yet summarised
        Row like = rows.get(0);
        // and either side of Wednesday's and of Sunday 1 November's start and end in St John's, which
        // left summer time at 02:00 that day
        for (String at : List.of("2026-11-17T18:29:59.999Z", "2026-11-17T18:30:00Z", "2026-11-17T18:14:59.999Z",
                "2026-11-17T18:15:00Z", "2026-11-18T18:29:59.999Z", "2026-11-18T18:30:00Z", "2026-11-20T15:20:00Z",
                "2026-11-18T03:29:59.999Z", "2026-11-18T03:30:00Z", "2026-11-01T02:29:59.999Z", "2026-11-01T02:30:00Z",
                "2026-11-02T03:29:59.999Z", "2026-11-02T03:30:00Z")) {
            rows.add(new Row(Instant.parse(at), like.hostname(), like.ip(), like.country(), like.path(), like.route(), like.method(),
                    like.status(), like.responseTime(), like.agent(), "edge-" + at, like.referrer()));
        }
        // hostnames list the whole period's, whatever the weekday: one a Tuesday, one in Wednesday's
        // first half hour in India (in a stored hour Tuesday shares), one in the hours not yet summarised
        for (String[] host : List.of(new String[] {"tuesday.example", "2026-11-17T10:00:00Z", "4"},
                new String[] {"edge.example", "2026-11-17T18:40:00Z", "3"}, new String[] {"tail.example", "2026-11-20T15:25:00Z", "1"})) {
            for (int i = 0; i < Integer.parseInt(host[2]); i++) {
                rows.add(new Row(Instant.parse(host[1]).plusSeconds(i), host[0], like.ip(), like.country(), like.path(), like.route(),
                        like.method(), like.status(), like.responseTime(), like.agent(), like.userId(), like.referrer()));
            }
        }
        SeedData.post(http, key, rows);
        server.summarise();
        for (String zoneName : List.of("Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns")) {
            ZoneId zone = ZoneId.of(zoneName);
            for (String period : List.of("24h", "7d", "30d")) {
                Duration length = Duration.ofDays(period.equals("24h") ? 1 : period.equals("7d") ? 7 : 30);
                Instant from = NOW.minus(length);
                List<String> hostnames = strings(dashboard(key, "period=" + period + "&tz=" + zoneName), "hostnames");
                // either side of the edges above, the day not yet summarised in full (Friday), the day of 25 hours
                for (int day : List.of(2, 3, 5, 7)) {
                    int weekday = day;
                    java.util.function.Predicate<Row> onDay = r -> r.createdAt().atZone(zone).getDayOfWeek().getValue() == day;
                    String view = zoneName + " " + period + " weekday=" + weekday;
                    JsonObject data = dashboard(key, "period=" + period + "&tz=" + zoneName + "&weekday=" + weekday);
                    Expected expected = new Expected(rows, from, NOW, zone, onDay);
                    assertThat(data.get("estimated").getAsBoolean()).as(view).isTrue();
                    assertThat(strings(data, "rowsReadFor")).as(view).isEmpty();
                    assertThat(requests(data)).as(view).isEqualTo(expected.requests());
                    assertThat(data.getAsJsonObject("summary").getAsJsonObject("requests").get("previous").getAsLong()).as(view)
                            .isEqualTo(new Expected(rows, from.minus(length), from, zone, onDay).requests());
                    // exact up to 128 distinct ids, estimated beyond (DistinctSketch)
                    assertThat(data.getAsJsonObject("summary").getAsJsonObject("userIds").get("current").getAsDouble()).as(view)
                            .isCloseTo(expected.distinctUserIds(), org.assertj.core.data.Percentage.withPercentage(5));
                    assertThat(longs(data, "hours")).as(view).isEqualTo(expected.hours());
                    assertThat(longs(data, "weekdays")).as(view).isEqualTo(expected.weekdays());
                    assertThat(DashboardApiContract.counts(data, "countries")).as(view).isEqualTo(expected.countBy(Row::country));
                    assertThat(strings(data, "hostnames")).as(view).isEqualTo(hostnames);
                    assertThat(activity(data, zone, "requests")).as(view).isEqualTo(perBucket(rows, from, zone, period, false, onDay));
                    assertThat(activity(data, zone, "users")).as(view).isEqualTo(perBucket(rows, from, zone, period, true, onDay));
                }
            }
        }
        // a local hour there holds no whole UTC hour: the rows answer it
        assertThat(strings(dashboard(key, "period=7d&tz=Asia/Kolkata&hour=9&weekday=3"), "rowsReadFor"))
                .containsExactly("hour", "weekday");
    }

    /**
     * A database summarised before the country, client, OS, device and version slices: its migration
     * starts the finer summaries again at the job's progress, so older views filtered by a
     * country read the rows until the job has extended them back, then the slices, exact.
     */
    @Test
    void slicesAddedByAnUpgradeReachBackOnceTheJobHasRun() throws Exception {
        String key = http.newKey();
        List<Row> rows = SeedData.rows(21, 500, NOW, 6);
        SeedData.post(http, key, rows);
        server.summarise();
        for (String table : List.of("rollup_slice_endpoints", "rollup_slice_values", "rollup_slice_top_users")) {
            execute("DELETE FROM " + table + " WHERE slice >= " + Summaries.SLICE_COUNTRY);
        }
        for (String table : Summaries.SLICE_SKETCH_TABLES.subList(Summaries.SLICE_COUNTRY - 1, Summaries.SLICES.size())) {
            execute("DELETE FROM " + table);
        }
        Migration reset = Summaries.migrations().stream().filter(m -> m.id().equals("rollup-026-more-slices")).findFirst().orElseThrow();
        execute(reset.sql(server.storage().dialect()));

        long germany = rows.stream().filter(r -> r.country().equals("DE") && r.createdAt().isAfter(NOW.minus(Duration.ofDays(7))))
                .count();
        JsonObject upgraded = dashboard(key, "period=7d&country=DE");
        assertThat(upgraded.get("estimated").getAsBoolean()).as("older hours have no country slices yet").isFalse();
        assertThat(requests(upgraded)).isEqualTo(germany);
        server.summarise();
        JsonObject caughtUp = dashboard(key, "period=7d&country=DE");
        assertThat(caughtUp.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(caughtUp)).isEqualTo(germany);
        assertThat(DashboardApiContract.endpoints(caughtUp, "requests")).isEqualTo(DashboardApiContract.endpoints(upgraded, "requests"));
        assertThat(caughtUp.getAsJsonObject("summary").getAsJsonObject("users").get("current"))
                .isEqualTo(upgraded.getAsJsonObject("summary").getAsJsonObject("users").get("current"));
        assertThat(requests(dashboard(key, "period=7d&status=4xx")))
                .as("the status slices, redone with the others")
                .isEqualTo(rows.stream().filter(r -> r.status() / 100 == 4 && r.createdAt().isAfter(NOW.minus(Duration.ofDays(7))))
                        .count());
    }

    /**
     * The panels of whole UTC days come from those days' summaries, which follow late rows and
     * are filled, on an upgrade, from the hours summarised before they came.
     */
    @Test
    void theDaysSummariesFollowLateRowsAndUpgrades() throws Exception {
        String key = http.newKey();
        List<Row> rows = SeedData.rows(23, 300, NOW, 5);
        SeedData.post(http, key, rows);
        server.summarise();
        assertThat(dayRows(key)).as("days summarised").isPositive();
        Map<String, Long> before = users(dashboard(key, "period=7d"));

        // a client offline for three days sends dave's 40 requests into a day wholly summarised
        Instant hour = NOW.minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
        List<Row> late = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Row like = rows.get(i);
            late.add(new Row(hour.plusSeconds(60L * i), like.hostname(), like.ip(), like.country(), like.path(), like.route(),
                    like.method(), 200, like.responseTime(), SeedData.AGENTS.get(0), "dave", like.referrer()));
        }
        SeedData.post(http, key, late);
        server.summarise();
        JsonObject after = dashboard(key, "period=7d");
        assertThat(after.get("estimated").getAsBoolean()).isTrue();
        Map<String, Long> expected = users(after);
        assertThat(expected).containsEntry("dave", 40L);
        expected.forEach((user, requests) -> assertThat(requests).as(user).isEqualTo(user.equals("dave") ? 40L : before.get(user)));
        JsonObject chrome = dashboard(key, "period=7d&client=Chrome");
        assertThat(chrome.get("estimated").getAsBoolean()).isTrue();
        assertThat(users(chrome)).containsEntry("dave", 40L);

        // a database summarised before the days' tables: their migrations fill them from the hours
        List<String> views = List.of("period=30d&tz=Europe/Paris", "period=30d&tz=Europe/Paris&country=DE",
                "period=7d&tz=Europe/Paris&status=4xx", "period=30d&tz=Europe/Paris&hide=%2Fhealth");
        List<String> answers = answers(key, views);
        for (Summaries.DayTable table : Summaries.DAY_TABLES) {
            execute("DELETE FROM " + table.name());
            Migration fill = Summaries.migrations().stream().filter(m -> m.id().equals(table.name().replace("rollup_", "rollup-")
                    .replace('_', '-') + "-fill")).findFirst().orElseThrow();
            execute(fill.sql(server.storage().dialect()));
        }
        assertThat(users(dashboard(key, "period=7d"))).isEqualTo(expected);
        assertThat(answers(key, views)).isEqualTo(answers);
    }

    /** The views' answers for {@code key} now, decimals rounded. */
    private List<String> answers(String key, List<String> views) {
        return views.stream().map(view -> roundedDecimals(http.get("/api/dashboard?" + view, "X-AUTH-TOKEN", key).body())).toList();
    }

    /** A day keeps twice an hour's users, its busiest: 120 users over three hours, of whom a day keeps 100. */
    @Test
    void aDayKeepsItsBusiestUsers() throws Exception {
        String key = http.newKey();
        Row like = SeedData.rows(24, 1, NOW, 1).get(0);
        Instant hour = NOW.minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(9));
        List<Row> rows = new ArrayList<>();
        Map<String, Long> busiest = new TreeMap<>();
        for (int user = 1; user <= 120; user++) {
            // users 111 to 120 are the busiest, with 2 to 11 requests, the others one each
            int requests = user > 110 ? user - 109 : 1;
            for (int i = 0; i < requests; i++) {
                rows.add(new Row(hour.plus(Duration.ofHours(user % 3)).plusSeconds(user * 10L + i), like.hostname(), like.ip(),
                        like.country(), like.path(), like.route(), like.method(), 200, like.responseTime(), SeedData.AGENTS.get(0),
                        "user-" + user, null));
            }
            if (user > 110) {
                busiest.put("user-" + user, (long) requests);
            }
        }
        SeedData.post(http, key, rows);
        server.summarise();
        assertThat(users(dashboard(key, "period=7d"))).isEqualTo(busiest);
        assertThat(count(server, key, "SELECT count(*) FROM rollup_day_users WHERE key_id = ?"))
                .isEqualTo(Summaries.DAY_USERS_PER_HOUR_USER * Summaries.TOP_USERS_PER_HOUR);
    }

    /**
     * Days an older collector sharing the database summarised without their day tables (it moved
     * the hours on, not {@code daysUntil}) are read from the hours until the job sums them.
     */
    @Test
    void daysSummarisedWithoutTheirDayTablesAreReadFromTheHoursUntilTheJobSumsThem() throws Exception {
        String key = http.newKey();
        SeedData.post(http, key, SeedData.rows(25, 400, NOW, 6));
        server.summarise();
        List<String> views = List.of("period=7d&tz=Europe/Paris", "period=7d&tz=Europe/Paris&country=DE");
        List<String> answers = answers(key, views);
        long summed = dayRows(key);
        // the last three days, as an older collector leaves them: summarised by the hour alone
        String lagging = "TIMESTAMP '" + NOW.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(3)).toString().replace('T', ' ')
                .replace("Z", "") + "'";
        for (Summaries.DayTable table : Summaries.DAY_TABLES) {
            execute("DELETE FROM " + table.name() + " WHERE day >= " + lagging);
        }
        execute("UPDATE rollup_progress SET rolled_until = " + lagging + " WHERE id = 3");
        long taken = dayRows(key);
        assertThat(taken).as("the lagging days taken out").isLessThan(summed);
        for (String view : views) {
            assertThat(dashboard(key, view).get("estimated").getAsBoolean()).as(view).isTrue();
        }
        assertThat(answers(key, views)).isEqualTo(answers);
        // (read just after the update: the collector's own run of the job, once a minute, may sum
        // them before the views are asked; today's partial day, summed for late rows, stays out)
        server.summarise();
        assertThat(dayRows(key)).as("the lagging days summed").isGreaterThan(taken);
        assertThat(answers(key, views)).isEqualTo(answers);
    }

    /**
     * A sliced view's unsummarised rows give every breakdown its own values: on PostgreSQL the
     * device slice's live referrers once read "desktop".
     */
    @Test
    void aSlicedViewsUnsummarisedRowsKeepTheirValues() throws Exception {
        String key = http.newKey();
        List<Row> rows = new ArrayList<>(SeedData.rows(26, 200, NOW.minus(Duration.ofHours(2)), 1));
        for (Row row : SeedData.rows(27, 200, NOW, 1)) {
            // within the last 15 minutes, which the job never summarises before the page asks
            rows.add(row.at(NOW.minusSeconds(1 + (rows.size() - 200) * 4L)));
        }
        SeedData.post(http, key, rows);
        server.summarise();
        JsonObject data = dashboard(key, "period=24h&device=desktop");
        assertThat(data.get("estimated").getAsBoolean()).isTrue();
        List<Row> desktop = rows.stream().filter(r -> r.agent().device().equals("desktop")
                && !r.createdAt().isBefore(NOW.minus(Duration.ofDays(1)))).toList();
        assertThat(DashboardApiContract.counts(data, "referrers")).isEqualTo(countBy(desktop, Row::referrer));
        assertThat(DashboardApiContract.counts(data, "clients")).isEqualTo(countBy(desktop, r -> r.agent().client()));
        assertThat(DashboardApiContract.counts(data, "countries")).isEqualTo(countBy(desktop, Row::country));
    }

    private static Map<String, Long> countBy(List<Row> rows, java.util.function.Function<Row, String> key) {
        Map<String, Long> counts = new TreeMap<>();
        rows.stream().map(key).filter(java.util.Objects::nonNull).forEach(value -> counts.merge(value, 1L, Long::sum));
        return counts;
    }

    /** The top users panel: requests by user. */
    private static Map<String, Long> users(JsonObject data) {
        Map<String, Long> users = new TreeMap<>();
        for (JsonElement user : data.getAsJsonArray("users")) {
            users.put(user.getAsJsonObject().get("key").getAsString(), user.getAsJsonObject().get("requests").getAsLong());
        }
        return users;
    }

    /** The key's rows in the day tables: some in each. */
    private long dayRows(String key) throws Exception {
        return count(server, key, "SELECT " + String.join(" * ", Summaries.DAY_TABLES.stream()
                .map(table -> "(SELECT count(*) FROM " + table.name() + " WHERE key_id = ?)").toList()));
    }

    /** Requests or distinct users (user id, else IP) per activity bucket with any, keyed by the bucket's local start. */
    private static Map<String, Long> perBucket(List<Row> rows, Instant from, ZoneId zone, String period, boolean users) {
        return perBucket(rows, from, zone, period, users, r -> true);
    }

    private static Map<String, Long> perBucket(List<Row> rows, Instant from, ZoneId zone, String period, boolean users,
            java.util.function.Predicate<Row> matches) {
        Map<String, java.util.Set<String>> usersPer = new TreeMap<>();
        Map<String, Long> requestsPer = new TreeMap<>();
        for (Row row : rows) {
            if (row.createdAt().isBefore(from) || !row.createdAt().isBefore(NOW) || !matches.test(row)) {
                continue;
            }
            var local = row.createdAt().atZone(zone).toLocalDateTime();
            var start = switch (period) {
                case "24h" -> local.truncatedTo(ChronoUnit.HOURS);
                case "7d" -> local.truncatedTo(ChronoUnit.HOURS).withHour(local.getHour() / 3 * 3);
                default -> local.truncatedTo(ChronoUnit.DAYS);
            };
            requestsPer.merge(start.toString(), 1L, Long::sum);
            if (row.user() != null) {
                usersPer.computeIfAbsent(start.toString(), s -> new java.util.TreeSet<>()).add(row.user());
            }
        }
        if (!users) {
            return requestsPer;
        }
        Map<String, Long> counts = new TreeMap<>();
        usersPer.forEach((start, set) -> counts.put(start, (long) set.size()));
        return counts;
    }

    /** A number of each activity bucket where it is not zero, keyed by the bucket's local start. */
    private static Map<String, Long> activity(JsonObject data, ZoneId zone, String field) {
        Map<String, Long> values = new TreeMap<>();
        for (JsonElement point : data.getAsJsonArray("activity")) {
            long value = point.getAsJsonObject().get(field).getAsLong();
            if (value != 0) {
                Instant start = Instant.ofEpochMilli(point.getAsJsonObject().get("t").getAsLong());
                values.put(start.atZone(zone).toLocalDateTime().toString(), value);
            }
        }
        return values;
    }

    private void execute(String sql) throws Exception {
        try (Connection connection = server.storage().connection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }

    static List<String> strings(JsonObject data, String array) {
        List<String> values = new ArrayList<>();
        data.getAsJsonArray(array).forEach(value -> values.add(value.getAsString()));
        return values;
    }

    @Test
    void rowsNotYetSummarisedAreIncluded() throws Exception {
        String key = http.newKey();
        List<Row> rows = new ArrayList<>(SeedData.rows(13, 100, NOW.minus(Duration.ofHours(3)), 1));
        SeedData.post(http, key, rows);
        server.summarise();
        // the last half hour is never summarised before the page asks for it
        List<Row> recent = new ArrayList<>();
        for (Row r : SeedData.rows(14, 30, NOW, 1)) {
            recent.add(r.at(NOW.minusSeconds(60 + recent.size() * 20L)));
        }
        SeedData.post(http, key, recent);
        JsonObject data = dashboard(key, "period=24h");
        assertThat(data.get("estimated").getAsBoolean()).isTrue();
        long earlierInPeriod = rows.stream().filter(r -> !r.createdAt().isBefore(NOW.minus(Duration.ofDays(1)))).count();
        assertThat(requests(data)).isEqualTo(earlierInPeriod + 30);
        JsonObject lastPoint = data.getAsJsonArray("activity").get(data.getAsJsonArray("activity").size() - 1).getAsJsonObject();
        assertThat(Instant.ofEpochMilli(lastPoint.get("t").getAsLong()).atZone(ZoneOffset.UTC).getHour()).isEqualTo(15);
        assertThat(lastPoint.get("requests").getAsLong()).isEqualTo(30);
    }

    @Test
    void anUnreadableSummaryLeavesTheViewToTheRows() throws Exception {
        String key = http.newKey();
        SeedData.post(http, key, SeedData.rows(16, 120, NOW, 3));
        server.summarise();
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        try (Connection connection = server.storage().connection();
                PreparedStatement corrupt = connection.prepareStatement("UPDATE rollup_sketches SET ips = ? WHERE key_id = ?")) {
            corrupt.setBytes(1, new byte[] {99, 1, 2, 3});
            corrupt.setLong(2, keyId);
            assertThat(corrupt.executeUpdate()).isPositive();
        }
        JsonObject data = dashboard(key, "period=7d");
        assertThat(data.get("estimated").getAsBoolean()).isFalse();
        assertThat(requests(data)).isEqualTo(120);
    }

    /** The key's hours marked late and not yet redone. */
    static long lateHours(CollectorServer server, String key) throws Exception {
        return count(server, key, "SELECT count(*) FROM late_hours WHERE key_id = ?");
    }

    /** The number {@code sql} selects for {@code key}, its id bound to every {@code ?}. */
    static long count(CollectorServer server, String key, String sql) throws Exception {
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        try (Connection connection = server.storage().connection(); PreparedStatement count = connection.prepareStatement(sql)) {
            for (int i = 1; i <= sql.chars().filter(c -> c == '?').count(); i++) {
                count.setLong(i, keyId);
            }
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    JsonObject dashboard(String key, String query) {
        return dashboard(http, key, query);
    }

    static JsonObject dashboard(Http http, String key, String query) {
        Http.Response response = http.get("/api/dashboard?" + query, "X-AUTH-TOKEN", key);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().getAsJsonObject();
    }

    static long requests(JsonObject data) {
        return data.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong();
    }

    static long[] longs(JsonObject data, String array) {
        long[] values = new long[data.getAsJsonArray(array).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = data.getAsJsonArray(array).get(i).getAsLong();
        }
        return values;
    }

    private static long sum(JsonObject data, String array) {
        long total = 0;
        for (JsonElement value : data.getAsJsonArray(array)) {
            total += value.getAsLong();
        }
        return total;
    }
}
