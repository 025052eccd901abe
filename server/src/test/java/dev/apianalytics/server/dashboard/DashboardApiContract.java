package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.dashboard.SeedData.Row;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.Dialect;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code GET /api/dashboard} against numbers computed independently from the seeded rows. Runs
 * on each storage through its subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardApiContract {

    static final Instant NOW = Instant.parse("2026-11-20T15:30:00Z");
    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    static final double TOLERANCE = 1e-6;

    CollectorServer server;
    Http http;
    String key;
    List<Row> rows;
    private ZoneId zone;

    /** The storage part of the configuration (a DuckDB directory or a PostgreSQL URL). */
    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    /** Whether the unfiltered views come from the hourly summaries (else from the rows, exactly). */
    boolean summarised() {
        return false;
    }

    /** The browser's zone in most views. */
    ZoneId zone() {
        return KOLKATA;
    }

    /** How far a percentile may be from the exact one: summaries estimate them within a bucket's width. */
    double percentileTolerance(double exact) {
        return summarised() ? exact * 0.05 : TOLERANCE;
    }

    void cleanUp() {}

    @BeforeAll
    void startAndSeed() throws Exception {
        zone = zone();
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1")
                .geoDatabase(TestEnvironment.geoDatabase()).clock(new MutableClock(NOW))
                .summaryMinRequests(summarised() ? 0 : ServerConfig.DEFAULT_SUMMARY_MIN_REQUESTS)).build());
        http = new Http(server.url());
        key = http.newKey();
        // 40 days: the 30-day period starts before Europe's switch back from summer time on 25 October
        rows = SeedData.rows(42, 2500, NOW, 40);
        SeedData.post(http, key, rows);
        if (summarised()) {
            server.summarise();
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        cleanUp();
    }

    @Test
    void everyPanelOfSevenDaysMatchesTheRows() {
        JsonObject data = dashboard("period=7d&tz=" + zone.getId());
        assertThat(data.get("estimated").getAsBoolean()).as("read from summaries").isEqualTo(summarised());
        Instant from = NOW.minus(Duration.ofDays(7));
        Expected expected = new Expected(rows, from, NOW, zone, r -> true);
        Expected previous = new Expected(rows, from.minus(Duration.ofDays(7)), from, zone, r -> true);
        assertThat(expected.requests()).as("the seed puts rows in the period").isGreaterThan(500);
        assertThat(previous.requests()).as("the seed puts rows in the previous period").isGreaterThan(100);

        JsonObject summary = data.getAsJsonObject("summary");
        assertMetric(summary, "requests", expected.requests(), previous.requests());
        assertMetric(summary, "users", expected.distinctIps(), previous.distinctIps());
        assertMetric(summary, "userIds", expected.distinctUserIds(), previous.distinctUserIds());
        assertThat(summary.getAsJsonObject("successRate").get("current").getAsDouble())
                .isCloseTo(expected.successRate(), within(TOLERANCE));
        assertThat(summary.getAsJsonObject("successRate").get("previous").getAsDouble())
                .isCloseTo(previous.successRate(), within(TOLERANCE));
        assertThat(summary.getAsJsonObject("meanResponseTime").get("current").getAsDouble())
                .isCloseTo(expected.meanResponseTime(), within(TOLERANCE));

        JsonObject percentiles = data.getAsJsonObject("percentiles");
        Map<String, Double> fractions = Map.of("p50", 0.5, "p75", 0.75, "p90", 0.9, "p95", 0.95, "p99", 0.99);
        fractions.forEach((name, fraction) -> assertThat(percentiles.get(name).getAsDouble()).as(name)
                .isCloseTo(expected.percentile(fraction), within(percentileTolerance(expected.percentile(fraction)))));

        long histogramTotal = 0;
        for (JsonElement bucket : data.getAsJsonArray("histogram")) {
            JsonObject b = bucket.getAsJsonObject();
            double lower = b.get("from").getAsDouble();
            Double upper = b.get("to").isJsonNull() ? null : b.get("to").getAsDouble();
            long inBucket = rows.stream().filter(r -> !r.createdAt().isBefore(from) && r.createdAt().isBefore(NOW))
                    .filter(r -> r.responseTime() >= lower && (upper == null || r.responseTime() < upper)).count();
            assertThat(b.get("count").getAsLong()).as("histogram bucket from %s", lower).isEqualTo(inBucket);
            histogramTotal += inBucket;
        }
        assertThat(histogramTotal).isEqualTo(expected.requests());

        assertThat(counts(data, "statuses")).isEqualTo(expected.statuses());
        assertThat(counts(data, "countries")).isEqualTo(expected.countBy(Row::country));
        assertThat(counts(data, "clients")).isEqualTo(expected.countBy(r -> r.agent().client()));
        assertThat(counts(data, "oses")).isEqualTo(expected.countBy(r -> r.agent().os()));
        assertThat(counts(data, "devices")).isEqualTo(expected.countBy(r -> r.agent().device()));
        assertThat(counts(data, "versions")).isEqualTo(expected.versions());
        assertThat(counts(data, "referrers")).isEqualTo(expected.countBy(Row::referrer));
        assertThat(endpoints(data, "requests")).isEqualTo(expected.endpoints());
        for (int statusClass = 2; statusClass <= 5; statusClass++) {
            Map<String, Long> perClass = endpoints(data, "s" + statusClass + "xx");
            perClass.values().removeIf(count -> count == 0);
            assertThat(perClass).as("endpoints with %sxx", statusClass).isEqualTo(expected.endpointsWithStatusClass(statusClass));
        }
        assertThat(longs(data.getAsJsonArray("hours"))).isEqualTo(expected.hours());
        assertThat(longs(data.getAsJsonArray("weekdays"))).isEqualTo(expected.weekdays());

        Map<String, Long> topUsers = new LinkedHashMap<>();
        for (JsonElement user : data.getAsJsonArray("users")) {
            topUsers.put(user.getAsJsonObject().get("key").getAsString(), user.getAsJsonObject().get("requests").getAsLong());
        }
        Map<String, Long> expectedTop = new LinkedHashMap<>();
        expected.topUsers(DashboardAggregator.TOP).forEach(e -> expectedTop.put(e.getKey(), e.getValue()));
        assertThat(topUsers).containsExactlyInAnyOrderEntriesOf(expectedTop);
        assertThat(List.copyOf(topUsers.values())).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(data.getAsJsonArray("hostnames").toString()).contains("api.example.com", "staging.example.com");
        assertThat(data.get("timeZone").getAsString()).isEqualTo(zone.getId());
    }

    @Test
    void activityOverThirtyDaysHasOneBucketPerLocalDay() {
        JsonObject data = dashboard("period=30d&tz=" + zone.getId());
        Expected expected = new Expected(rows, NOW.minus(Duration.ofDays(30)), NOW, zone, r -> true);
        Map<LocalDate, Long> perDay = new TreeMap<>();
        for (JsonElement point : data.getAsJsonArray("activity")) {
            JsonObject p = point.getAsJsonObject();
            Instant start = Instant.ofEpochMilli(p.get("t").getAsLong());
            assertThat(start.atZone(zone).toLocalTime().toString()).as("buckets start at local midnight").isEqualTo("00:00");
            if (p.get("requests").getAsLong() > 0) {
                perDay.put(LocalDate.ofInstant(start, zone), p.get("requests").getAsLong());
            }
        }
        assertThat(perDay).isEqualTo(expected.perLocalDay());
        assertThat(data.getAsJsonArray("activity")).hasSizeBetween(30, 31);
    }

    @Test
    void localHoursDaysAndWeekdaysFollowDaylightSavingTime() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        JsonObject data = dashboard("period=30d&tz=Europe/Paris");
        Expected expected = new Expected(rows, NOW.minus(Duration.ofDays(30)), NOW, paris, r -> true);
        assertThat(expected.countBy(r -> Integer.toString(r.createdAt().atZone(paris).getOffset().getTotalSeconds())))
                .as("rows on both sides of the change").hasSize(2);
        assertThat(longs(data.getAsJsonArray("hours"))).isEqualTo(expected.hours());
        assertThat(longs(data.getAsJsonArray("weekdays"))).isEqualTo(expected.weekdays());
        Map<LocalDate, Long> perDay = new TreeMap<>();
        for (JsonElement point : data.getAsJsonArray("activity")) {
            JsonObject p = point.getAsJsonObject();
            Instant start = Instant.ofEpochMilli(p.get("t").getAsLong());
            assertThat(start.atZone(paris).toLocalTime().toString()).as("buckets start at local midnight").isEqualTo("00:00");
            if (p.get("requests").getAsLong() > 0) {
                perDay.put(LocalDate.ofInstant(start, paris), p.get("requests").getAsLong());
            }
        }
        assertThat(perDay).isEqualTo(expected.perLocalDay());
        // and filtering by a local hour counts the same rows on both sides of the change
        JsonObject nine = dashboard("period=30d&tz=Europe/Paris&hour=9");
        assertThat(nine.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong())
                .isEqualTo(expected.hours()[9]);
    }

    /**
     * A local hour in a zone whose offsets are not whole hours, in the current and the previous
     * period: Newfoundland's, whose clocks went from -2:30 to -3:30 on 1 November, and Nepal's
     * +5:45. Among the hours, some whose UTC minutes run over a UTC midnight (20 in
     * Newfoundland, 5 in Nepal).
     */
    @ParameterizedTest(name = "{0} hour={1}")
    @MethodSource("hoursInHalfHourZones")
    void aLocalHourInAHalfHourZoneCountsItsRowsAcrossClockChanges(String zoneId, int hour) {
        ZoneId local = ZoneId.of(zoneId);
        Instant from = NOW.minus(Duration.ofDays(30));
        Predicate<Row> atHour = r -> r.createdAt().atZone(local).getHour() == hour;
        Expected expected = new Expected(rows, from, NOW, local, atHour);
        Expected previous = new Expected(rows, from.minus(Duration.ofDays(30)), from, local, atHour);
        JsonObject data = dashboard("period=30d&tz=" + zoneId + "&hour=" + hour);
        assertMetric(data.getAsJsonObject("summary"), "requests", expected.requests(), previous.requests());
        assertMetric(data.getAsJsonObject("summary"), "users", expected.distinctIps(), previous.distinctIps());
        assertThat(longs(data.getAsJsonArray("hours"))).isEqualTo(expected.hours());
        // the period's hostnames, whatever the filter, as the unfiltered view lists them
        assertThat(data.getAsJsonArray("hostnames")).isEqualTo(dashboard("period=30d&tz=" + zoneId).getAsJsonArray("hostnames"))
                .isNotEmpty();
    }

    static Stream<Arguments> hoursInHalfHourZones() {
        return Stream.concat(Stream.of(0, 2, 10, 20).map(hour -> Arguments.of("America/St_Johns", hour)),
                Stream.of(5, 9).map(hour -> Arguments.of("Asia/Kathmandu", hour)));
    }

    @Test
    void newfoundlandsClocksChangeWithinTheSeededRows() {
        ZoneId newfoundland = ZoneId.of("America/St_Johns");
        assertThat(new Expected(rows, NOW.minus(Duration.ofDays(60)), NOW, newfoundland, r -> true)
                .countBy(r -> Integer.toString(r.createdAt().atZone(newfoundland).getOffset().getTotalSeconds())))
                .as("rows on both sides of the change").hasSize(2);
    }

    Stream<Arguments> filters() {
        return Stream.of(
                Arguments.of("status=4xx", (Predicate<Row>) r -> r.status() >= 400 && r.status() < 500),
                Arguments.of("status=404", (Predicate<Row>) r -> r.status() == 404),
                Arguments.of("country=DE", (Predicate<Row>) r -> r.country().equals("DE")),
                Arguments.of("endpoint=" + encode("/v1/users/{id}") + "&method=GET",
                        (Predicate<Row>) r -> "/v1/users/{id}".equals(r.route()) && r.method().equals("GET")),
                Arguments.of("endpoint=" + encode("/wp-login.php"), (Predicate<Row>) r -> r.path().equals("/wp-login.php")),
                Arguments.of("client=curl", (Predicate<Row>) r -> r.agent().client().equals("curl")),
                Arguments.of("os=iOS", (Predicate<Row>) r -> r.agent().os().equals("iOS")),
                Arguments.of("device=mobile", (Predicate<Row>) r -> r.agent().device().equals("mobile")),
                Arguments.of("hour=9", (Predicate<Row>) r -> r.createdAt().atZone(zone).getHour() == 9),
                Arguments.of("weekday=3", (Predicate<Row>) r -> r.createdAt().atZone(zone).getDayOfWeek().getValue() == 3),
                Arguments.of("version=v2", (Predicate<Row>) r -> r.path().startsWith("/v2/")),
                Arguments.of("user=alice", (Predicate<Row>) r -> "alice".equals(r.userId())),
                Arguments.of("user=8.8.8.8", (Predicate<Row>) r -> r.userId() == null && r.ip().equals("8.8.8.8")),
                Arguments.of("hostname=staging.example.com", (Predicate<Row>) r -> r.hostname().equals("staging.example.com")),
                Arguments.of("exclude404=true", (Predicate<Row>) r -> r.status() != 404),
                Arguments.of("excludeBots=true", (Predicate<Row>) r -> !r.agent().bot()),
                Arguments.of("hide=" + encode("/health, /v1/users/*"),
                        (Predicate<Row>) r -> !r.path().equals("/health") && !r.path().startsWith("/v1/users/")),
                Arguments.of("status=2xx&country=GB&device=desktop",
                        (Predicate<Row>) r -> r.status() / 100 == 2 && r.country().equals("GB") && r.agent().device().equals("desktop")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void everyFilterNarrowsEveryPanel(String filter, Predicate<Row> matches) {
        JsonObject data = dashboard("period=30d&tz=" + zone.getId() + "&" + filter);
        Instant from = NOW.minus(Duration.ofDays(30));
        Expected expected = new Expected(rows, from, NOW, zone, matches);
        // one status, endpoint, API version, country, client, OS or device is a slice of the summaries
        String name = filter.substring(0, filter.indexOf('='));
        // (hidden endpoints: the endpoint slices of the others, as no pattern here matches only a path)
        boolean slice = List.of("status", "endpoint", "version", "country", "client", "os", "device", "hide").contains(name)
                && (!filter.contains("&") || filter.contains("&method="));
        // and a local hour or weekday is a set of summarised hours where local hours are UTC hours
        boolean localHours = List.of("hour", "weekday").contains(name) && zone.getRules().getOffset(NOW).getTotalSeconds() % 3600 == 0;
        assertThat(data.get("estimated").getAsBoolean()).as("read from summaries").isEqualTo(summarised() && (slice || localHours
                || List.of("hostname", "exclude404", "excludeBots").contains(name)));
        Expected previous = new Expected(rows, from.minus(Duration.ofDays(30)), from, zone, matches);
        assertThat(expected.requests()).as("the filter matches some rows").isPositive();
        assertThat(expected.requests()).as("the filter leaves some rows out")
                .isLessThan(new Expected(rows, from, NOW, zone, r -> true).requests());

        JsonObject summary = data.getAsJsonObject("summary");
        assertMetric(summary, "requests", expected.requests(), previous.requests());
        assertMetric(summary, "users", expected.distinctIps(), previous.distinctIps());
        assertThat(data.getAsJsonObject("percentiles").get("p95").getAsDouble())
                .isCloseTo(expected.percentile(0.95), within(percentileTolerance(expected.percentile(0.95))));
        assertThat(counts(data, "statuses")).isEqualTo(expected.statuses());
        assertThat(counts(data, "countries")).isEqualTo(expected.countBy(Row::country));
        assertThat(endpoints(data, "requests")).isEqualTo(expected.endpoints());
        assertThat(longs(data.getAsJsonArray("hours"))).isEqualTo(expected.hours());
        long activityTotal = 0;
        for (JsonElement point : data.getAsJsonArray("activity")) {
            activityTotal += point.getAsJsonObject().get("requests").getAsLong();
        }
        assertThat(activityTotal).isEqualTo(expected.requests());
    }

    /**
     * A view read from the rows copies its filtered rows first when they are few, and reads them
     * in place when they are more than a copy holds: the same panels either way, and no copy left
     * behind on the pooled connection.
     */
    @Test
    void aFilteredViewIsTheSameCopiedOrReadInPlace() throws Exception {
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        DashboardQuery query = DashboardQuery.parse(Map.of("period", List.of("30d"), "tz", List.of(zone.getId()),
                "status", List.of("2xx"), "country", List.of("DE")));
        try (Connection connection = server.storage().connection()) {
            DashboardSql sql = new DashboardSql(server.storage().dialect(), query, NOW.minus(Duration.ofDays(60)), NOW);
            try (FilteredRows copy = FilteredRows.copy(connection, server.storage().dialect(), sql, keyId,
                    NOW.minus(Duration.ofDays(60)), NOW, 1_000_000).orElseThrow();
                    PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM " + copy.table());
                    ResultSet copied = count.executeQuery()) {
                copied.next();
                assertThat(copied.getLong(1)).as("the rows of both periods").isEqualTo(new Expected(rows, NOW.minus(Duration.ofDays(60)),
                        NOW, zone, r -> r.status() / 100 == 2 && r.country().equals("DE")).requests());
            }
            assertThat(connection.getAutoCommit()).as("the connection as it was").isTrue();
            DashboardAggregator aggregator = new DashboardAggregator(connection, server.storage().dialect());
            DashboardData copied = aggregator.compute(keyId, query, NOW, 1_000_000, 0);
            DashboardData inPlace = aggregator.compute(keyId, query, NOW, 10, 0);
            assertThat(connection.getAutoCommit()).as("the connection as it was, copied or not").isTrue();
            if (server.storage().dialect() == Dialect.DUCKDB) {
                try (PreparedStatement setting = connection.prepareStatement("SELECT current_setting('preserve_insertion_order')");
                        ResultSet order = setting.executeQuery()) {
                    order.next();
                    assertThat(order.getBoolean(1)).as("the pooled session keeps its rows' order again").isTrue();
                }
            }
            assertThat(copied.summary().requests().current().longValue()).as("more rows than the small copy holds")
                    .isGreaterThan(10).isEqualTo(inPlace.summary().requests().current().longValue());
            assertThat(copied.summary().users()).isEqualTo(inPlace.summary().users());
            assertThat(copied.statuses()).isEqualTo(inPlace.statuses());
            assertThat(copied.countries()).isEqualTo(inPlace.countries());
            assertThat(copied.hours()).isEqualTo(inPlace.hours());
            assertThat(copied.activity().stream().map(DashboardData.ActivityPoint::requests).toList())
                    .isEqualTo(inPlace.activity().stream().map(DashboardData.ActivityPoint::requests).toList());
            assertThat(copied.endpoints().stream().map(e -> e.endpoint() + " " + e.requests()).toList())
                    .isEqualTo(inPlace.endpoints().stream().map(e -> e.endpoint() + " " + e.requests()).toList());
            try (PreparedStatement left = connection.prepareStatement(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'dashboard_rows%'");
                    ResultSet count = left.executeQuery()) {
                count.next();
                assertThat(count.getLong(1)).as("copies dropped").isZero();
            }
        }
    }

    /**
     * A view tallied in Java as its rows stream past (PostgreSQL's way with a few hundred thousand
     * rows) says what the panels' queries say: filtered or not, in zones offset by whole, half and
     * three quarter hours, with a previous period or without; and a view with more rows than the
     * tally takes is left to the queries.
     */
    @ParameterizedTest
    @MethodSource("talliedViews")
    void aViewTalliedAsItsRowsStreamIsTheViewItsQueriesCompute(String view) throws Exception {
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : view.replace("USER", rows.get(0).user()).split("&")) {
            parameters.put(pair.substring(0, pair.indexOf('=')), List.of(pair.substring(pair.indexOf('=') + 1)));
        }
        DashboardQuery query = DashboardQuery.parse(parameters);
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Connection connection = server.storage().connection()) {
            DashboardAggregator aggregator = new DashboardAggregator(connection, server.storage(), threads, new Semaphore(1));
            DashboardData queried = aggregator.compute(keyId, query, NOW, 0, 0);
            DashboardData tallied = aggregator.streamed(keyId, query, NOW, 1_000_000).orElseThrow();
            assertThat(queried.summary().requests().current().longValue()).as("rows in the view").isPositive();
            assertThat(tallied).as(view).usingRecursiveComparison()
                    .withComparatorForType((a, b) -> Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? 0 : Double.compare(a, b),
                            Double.class)
                    .isEqualTo(queried);
            assertThat(aggregator.streamed(keyId, query, NOW, 5)).as("more rows than the tally takes").isEmpty();
            assertThat(connection.getAutoCommit()).as("the connection as it was").isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The tally ranks what the queries rank where ties and cut-offs decide: 70 endpoints for a table
     * of 50 with equal counts at the edge, more users and referrers than shown with equal counts
     * and names that sort apart by case, accent and characters past U+FFFF, statuses outside 2xx
     * to 5xx, a response time of -0.0, rows on the instant the two halves meet. A budget of the
     * view's rows tallies it, one fewer does not, and a previous period past it is queried; one
     * connection or two, the permits are given back.
     */
    @Test
    void aTallyRanksTiesAndCutOffsAsTheQueriesDo() throws Exception {
        String crafted = http.newKey();
        List<String> names = List.of("alice", "Bob", "bob", "Émile", "zed", "\uD83D\uDE00user", "\uFFFDx", "Alpha", "alpha",
                "_under", "0zero", "éclair", "Zoe", "\u00e9");
        int[] statuses = {101, 200, 201, 302, 404, 503, 600, 999};
        Instant from = NOW.minus(Duration.ofDays(30));
        Instant middle = from.plus(Duration.ofDays(15));
        List<Row> craftedRows = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) {
            String endpoint = "/x/" + names.get(i % names.size()) + "/" + (i / names.size());
            for (int j = 0; j <= i % 4; j++) {
                int n = craftedRows.size();
                Instant at = n % 9 == 0 ? middle : NOW.minus(Duration.ofHours(1 + n % 600));
                SeedData.Agent agent = SeedData.AGENTS.get(n % SeedData.AGENTS.size());
                craftedRows.add(new Row(at, "api.example.com", "10.0.0." + n % 23, null, endpoint, null, j % 2 == 0 ? "GET" : "POST",
                        statuses[(i + j) % statuses.length], n % 17 == 0 ? -0.0 : n % 13 * 1.5, agent, names.get(n % names.size()),
                        n % 3 == 0 ? null : "https://" + names.get(n % 13) + ".example/"));
            }
        }
        for (int extra = 0; extra < 5; extra++) {
            // the day before the last holds more rows than the last (for the previous period's budget below)
            craftedRows.add(new Row(NOW.minus(Duration.ofHours(30)), "api.example.com", "10.0.1." + extra, null, "/x/extra", null,
                    "GET", 200, extra, SeedData.AGENTS.get(0), null, null));
        }
        SeedData.post(http, crafted, craftedRows);
        long keyId = server.storage().findKey(ApiKeys.hash(crafted)).orElseThrow();
        DashboardQuery query = DashboardQuery.parse(Map.of("period", List.of("30d"), "tz", List.of("Europe/Paris")));
        ExecutorService threads = Executors.newCachedThreadPool();
        int spares = server.storage().spareConnections().availablePermits();
        try (Connection connection = server.storage().connection()) {
            DashboardData queried = new DashboardAggregator(connection, server.storage().dialect()).compute(keyId, query, NOW, 0, 0);
            assertThat(queried.endpoints()).as("the top 50 and the top 50 of each status class").hasSizeGreaterThan(50);
            int rowsInView = craftedRows.size();
            for (DashboardAggregator aggregator : List.of(new DashboardAggregator(connection, server.storage(), threads, new Semaphore(1)),
                    new DashboardAggregator(connection, server.storage().dialect()))) {
                DashboardData tallied = aggregator.streamed(keyId, query, NOW, rowsInView).orElseThrow();
                assertThat(tallied).usingRecursiveComparison()
                        .withComparatorForType((x, y) -> Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)) ? 0 : Double.compare(x, y),
                                Double.class)
                        .isEqualTo(queried);
                assertThat(aggregator.streamed(keyId, query, NOW, rowsInView - 1)).as("one row short of the budget").isEmpty();
            }
            // a previous period with more rows than the tally takes: its headline is queried, the rest tallied
            DashboardQuery day = DashboardQuery.parse(Map.of("period", List.of("24h"), "tz", List.of("Europe/Paris")));
            Instant dayAgo = NOW.minus(Duration.ofDays(1));
            long today = craftedRows.stream().filter(r -> !r.createdAt().isBefore(dayAgo) && r.createdAt().isBefore(NOW)).count();
            long yesterday = craftedRows.stream()
                    .filter(r -> !r.createdAt().isBefore(dayAgo.minus(Duration.ofDays(1))) && r.createdAt().isBefore(dayAgo)).count();
            assertThat(yesterday).as("the seed's previous day holds more rows than its day").isGreaterThan(today).isGreaterThan(0);
            DashboardData dayQueried = new DashboardAggregator(connection, server.storage().dialect()).compute(keyId, day, NOW, 0, 0);
            assertThat(new DashboardAggregator(connection, server.storage(), threads, new Semaphore(1))
                    .streamed(keyId, day, NOW, (int) today).orElseThrow())
                    .usingRecursiveComparison()
                    .withComparatorForType((x, y) -> Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)) ? 0 : Double.compare(x, y),
                            Double.class)
                    .isEqualTo(dayQueried);
            assertThat(connection.getAutoCommit()).isTrue();
        } finally {
            threads.shutdownNow();
        }
        assertThat(server.storage().spareConnections().availablePermits()).as("spare connections given back").isEqualTo(spares);
    }

    static Stream<String> talliedViews() {
        return Stream.of("period=30d&tz=Europe/Paris", "period=all&tz=Asia/Kolkata", "period=7d&tz=Asia/Kolkata&hour=9",
                "period=30d&tz=Asia/Kathmandu&status=2xx&country=DE", "period=30d&tz=America/St_Johns&weekday=7&excludeBots=true",
                "period=30d&tz=Europe/Paris&user=USER", "period=24h&tz=Europe/Paris&endpoint=/v1/users/{id}&method=GET");
    }

    @Test
    void allTimeCoversEveryRowAndHasNoPreviousPeriod() {
        JsonObject data = dashboard("period=all");
        JsonObject requests = data.getAsJsonObject("summary").getAsJsonObject("requests");
        assertThat(requests.get("current").getAsLong()).isEqualTo(rows.size());
        assertThat(requests.get("previous").isJsonNull()).isTrue();
        long activityTotal = 0;
        for (JsonElement point : data.getAsJsonArray("activity")) {
            activityTotal += point.getAsJsonObject().get("requests").getAsLong();
        }
        assertThat(activityTotal).isEqualTo(rows.size());
    }

    @Test
    void anotherKeySeesNothingOfThisKeysRows() {
        String other = http.newKey();
        Http.Response response = http.get("/api/dashboard?period=all", "X-AUTH-TOKEN", other);
        assertThat(response.status()).isEqualTo(200);
        JsonObject data = response.json().getAsJsonObject();
        assertThat(data.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong()).isZero();
        assertThat(data.getAsJsonArray("endpoints")).isEmpty();
        assertThat(data.getAsJsonArray("hostnames")).isEmpty();
    }

    @Test
    void aMissingOrUnknownKeyGets401() {
        assertThat(http.get("/api/dashboard").status()).isEqualTo(401);
        Http.Response unknown = http.get("/api/dashboard", "X-AUTH-TOKEN", "3f1c2a9e-4b7d-4e21-9a53-0c8d6f1e2b47");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().getAsJsonObject().get("message").getAsString()).contains("unknown API key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParameters")
    void aBadParameterGets400NamingIt(String query, String named) {
        Http.Response response = http.get("/api/dashboard?" + query, "X-AUTH-TOKEN", key);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().getAsJsonObject().get("message").getAsString()).contains(named);
    }

    static Stream<Arguments> badParameters() {
        return Stream.of(
                Arguments.of("period=2w", "period"),
                Arguments.of("status=6xx", "status"),
                Arguments.of("status=abc", "status"),
                Arguments.of("tz=Mars/Olympus", "tz"),
                Arguments.of("tz=" + encode("Europe/Paris'; DROP TABLE requests; --"), "tz"),
                Arguments.of("hour=24", "hour"),
                Arguments.of("weekday=0", "weekday"),
                Arguments.of("country=USA", "country"),
                Arguments.of("version=2", "version"),
                Arguments.of("exclude404=maybe", "exclude404"),
                Arguments.of("method=" + encode("GET; --"), "method"));
    }

    @Test
    void csvExportHasExactlyTheFilteredRows() {
        Http.Response response = http.get("/api/dashboard/export.csv?period=30d&status=5xx", "X-AUTH-TOKEN", key);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/csv");
        List<String> lines = response.body().lines().toList();
        Instant from = NOW.minus(Duration.ofDays(30));
        long expected = rows.stream().filter(r -> !r.createdAt().isBefore(from) && r.status() >= 500).count();
        assertThat(lines.get(0)).isEqualTo(CsvExport.HEADER);
        assertThat(lines).hasSize((int) expected + 1);
        assertThat(lines.subList(1, lines.size())).allSatisfy(line -> assertThat(line).containsPattern(",5[0-9][0-9],"));
        assertThat(lines.subList(1, lines.size())).as("the framework is the last column")
                .allSatisfy(line -> assertThat(line).endsWith(",Javalin"));
    }

    JsonObject dashboard(String query) {
        Http.Response response = http.get("/api/dashboard?" + query, "X-AUTH-TOKEN", key);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().getAsJsonObject();
    }

    static void assertMetric(JsonObject summary, String name, long current, long previous) {
        JsonObject metric = summary.getAsJsonObject(name);
        assertThat(metric.get("current").getAsLong()).as(name).isEqualTo(current);
        assertThat(metric.get("previous").getAsLong()).as(name + " in the previous period").isEqualTo(previous);
    }

    static Map<String, Long> counts(JsonObject data, String panel) {
        Map<String, Long> counts = new TreeMap<>();
        for (JsonElement element : data.getAsJsonArray(panel)) {
            JsonObject item = element.getAsJsonObject();
            if (!item.get("key").isJsonNull()) {
                counts.put(item.get("key").getAsString(), item.get("count").getAsLong());
            }
        }
        return counts;
    }

    static Map<String, Long> endpoints(JsonObject data, String column) {
        Map<String, Long> counts = new TreeMap<>();
        for (JsonElement element : data.getAsJsonArray("endpoints")) {
            JsonObject item = element.getAsJsonObject();
            counts.put(item.get("method").getAsString() + " " + item.get("endpoint").getAsString(), item.get(column).getAsLong());
        }
        return counts;
    }

    static long[] longs(JsonArray array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsLong();
        }
        return values;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
