package dev.apianalytics.server;

import static dev.apianalytics.server.CollectorProtocolTest.assertCreated;
import static dev.apianalytics.server.CollectorProtocolTest.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.HourCount;
import dev.apianalytics.server.storage.RequestFilter;
import dev.apianalytics.server.summary.RowsPerHour;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data API finds its pages through per-hour counts read mostly from the hourly summaries
 * ({@link RowsPerHour}); its pages must be the rows whatever the summaries' state: before any
 * hour is summarised, after, with late rows in summarised hours not redone yet, and after they
 * are. Runs on each storage.
 */
abstract class SummarisedPagesContract {

    private static final Instant NOW = Instant.parse("2026-11-20T15:30:00Z");
    private static final int PAGE_SIZE = 25;

    private CollectorServer server;

    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        cleanUp();
    }

    @Test
    void pagesAreTheRowsWhateverTheSummariesHold() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1").clock(clock)
                .dataPageSize(PAGE_SIZE)).build());
        Http http = new Http(server.url());
        String key = http.newKey();
        // three days up to now, a few rows in most hours, two hostnames, some 404s, one address
        List<String> rows = threeDaysOfRows();
        assertCreated(http.post("/api/log-request", batch(key, "Gin", rows.subList(50, 100).toArray(String[]::new))), 50, 0);
        assertCreated(http.post("/api/log-request", batch(key, "Gin", rows.subList(0, 50).toArray(String[]::new))), 50, 0);
        Map<String, RequestFilter> filters = filters();
        Map<String, RequestFilter> unfiltered = Map.of("", RequestFilter.ALL);

        // before any summary: the rows alone, as CollectorProtocolTest checks them for every filter
        DataPages.assertAreTheRows(server, http, key, unfiltered, PAGE_SIZE);

        Instant summarised = server.summarise();
        assertThat(summarised).isEqualTo(Instant.parse("2026-11-20T15:00:00Z"));
        DataPages.assertAreTheRows(server, http, key, filters, PAGE_SIZE);

        // late rows into two summarised hours (marked late, not redone yet) and rows of this hour
        Instant lateHour = Instant.parse("2026-11-18T10:00:00Z");
        List<String> more = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            more.add(row("/late" + i, lateHour.plus(Duration.ofMinutes(i < 5 ? 7L * i : 60 + 7L * i)), i));
            more.add(row("/now" + i, NOW.minus(Duration.ofMinutes(i)), i));
        }
        assertCreated(http.post("/api/log-request", batch(key, "Gin", more.toArray(String[]::new))), 18, 0);
        DataPages.assertAreTheRows(server, http, key, filters, PAGE_SIZE);

        server.summarise(); // redoes the late hours
        DataPages.assertAreTheRows(server, http, key, unfiltered, PAGE_SIZE);

        // and the counts did come from the summaries: rows gone behind their back still count
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        try (Connection connection = server.storage().connection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM requests WHERE key_id = ? AND created_at >= ? AND created_at < ?")) {
            delete.setLong(1, keyId);
            delete.setObject(2, LocalDateTime.ofInstant(lateHour, ZoneOffset.UTC));
            delete.setObject(3, LocalDateTime.ofInstant(lateHour.plus(1, ChronoUnit.HOURS), ZoneOffset.UTC));
            assertThat(delete.executeUpdate()).isPositive();
        }
        assertThat(RowsPerHour.count(server.storage(), keyId, RequestFilter.ALL)).extracting(HourCount::hour).contains(lateHour);
        assertThat(server.storage().countRequestsByHour(keyId, RequestFilter.ALL)).extracting(HourCount::hour)
                .doesNotContain(lateHour);
    }

    /**
     * Raw retention deletes rows of summarised hours; once it is lengthened (or turned off) the
     * data API reaches back into those hours, whose summaries still count the deleted rows.
     */
    @Test
    void pagesAreTheRowsAfterRawRetentionIsLengthened() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        ServerConfig config = storage(ServerConfig.builder().port(0).bind("127.0.0.1").clock(clock)
                .dataPageSize(PAGE_SIZE)).build();
        server = CollectorServer.start(config);
        Http http = new Http(server.url());
        String key = http.newKey();
        List<String> rows = threeDaysOfRows();
        assertCreated(http.post("/api/log-request", batch(key, "Gin", rows.toArray(String[]::new))), 100, 0);
        server.close();

        // a day of raw rows kept: the summaries stay for the hours whose rows are deleted
        server = CollectorServer.start(config.toBuilder().rawRetention(Duration.ofDays(1)).build());
        server.summarise();
        assertThat(server.runRawRetention()).isPositive();
        server.close();

        // the operator keeps raw rows longer again (here: for good)
        server = CollectorServer.start(config);
        http = new Http(server.url());
        DataPages.assertAreTheRows(server, http, key, Map.of("", RequestFilter.ALL, "hostname=a.example",
                new RequestFilter(null, null, "a.example", null, null, null, null)), PAGE_SIZE);
    }

    private static Map<String, RequestFilter> filters() {
        Instant nov18 = Instant.parse("2026-11-18T00:00:00Z");
        Instant nov19 = nov18.plus(1, ChronoUnit.DAYS);
        Map<String, RequestFilter> filters = new LinkedHashMap<>();
        filters.put("", RequestFilter.ALL);
        filters.put("status=404", new RequestFilter(null, null, null, null, 404, null, null));
        filters.put("hostname=a.example", new RequestFilter(null, null, "a.example", null, null, null, null));
        filters.put("dateFrom=2026-11-19", new RequestFilter(nov19, null, null, null, null, null, null));
        filters.put("date=2026-11-18&hostname=b.example&status=200", new RequestFilter(nov18, nov19, "b.example", null, 200,
                null, null));
        filters.put("ip=8.8.4.4", new RequestFilter(null, null, null, "8.8.4.4", null, null, null));
        return filters;
    }

    /** 100 rows over the three days up to {@link #NOW}, 43 minutes apart: a few in most hours. */
    private static List<String> threeDaysOfRows() {
        List<String> rows = new ArrayList<>();
        Instant first = NOW.minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
        for (int i = 0; i < 100; i++) {
            rows.add(row("/p" + i, first.plus(Duration.ofMinutes(43L * i)), i));
        }
        return rows;
    }

    private static String row(String path, Instant at, int i) {
        return "{\"hostname\":\"" + (i % 2 == 0 ? "a" : "b") + ".example\",\"ip_address\":\"" + (i % 3 == 0 ? "8.8.4.4" : "8.8.8.8")
                + "\",\"path\":\"" + path + "\",\"method\":\"GET\",\"status\":" + (i % 5 == 0 ? 404 : 200)
                + ",\"response_time\":1,\"created_at\":\"" + at + "\"}";
    }
}
