package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.storage.Dialect;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The UTC ranges a local hour or weekday filter narrows the rows to before its own expression
 * decides: they must hold every instant the filter matches, across daylight-saving changes.
 */
final class LocalTimeRangesTest {

    private static final Instant FROM = Instant.parse("2026-10-20T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-03T00:00:00Z");

    private static String ranges(Map<String, List<String>> parameters) {
        return new DashboardSql(Dialect.DUCKDB, DashboardQuery.parse(parameters), FROM, TO).localTimeRanges(FROM, TO);
    }

    @Test
    void noHourOrWeekdayFilterAddsNothing() {
        assertThat(ranges(Map.of("tz", List.of("Europe/Paris")))).isEmpty();
    }

    @Test
    void aLocalHourIsOneRangeADayInUtcAcrossTheChangeOfClocks() {
        String ranges = ranges(Map.of("tz", List.of("Europe/Paris"), "hour", List.of("9")));
        // 9:00 in Paris is 07:00 UTC in summer time (until 25 October 2026), 08:00 UTC after
        assertThat(ranges).contains("created_at >= CAST('2026-10-24 07:00:00.000000' AS TIMESTAMP) "
                + "AND created_at < CAST('2026-10-24 08:00:00.000000' AS TIMESTAMP)");
        assertThat(ranges).contains("created_at >= CAST('2026-10-26 08:00:00.000000' AS TIMESTAMP) "
                + "AND created_at < CAST('2026-10-26 09:00:00.000000' AS TIMESTAMP)");
        assertThat(ranges.split(" OR ")).hasSize(15);
    }

    @Test
    void theHourThatHappensTwiceWhenClocksGoBackIsCoveredWhole() {
        // on 25 October 2026 Paris went from 03:00 back to 02:00: 02:00-03:00 was 00:00-02:00 UTC
        String ranges = ranges(Map.of("tz", List.of("Europe/Paris"), "hour", List.of("2")));
        assertThat(ranges).contains("created_at >= CAST('2026-10-25 00:00:00.000000' AS TIMESTAMP) "
                + "AND created_at < CAST('2026-10-25 02:00:00.000000' AS TIMESTAMP)");
    }

    @Test
    void aWeekdayIsItsLocalDays() {
        // Wednesdays in Kolkata start at 18:30 UTC the day before
        String ranges = ranges(Map.of("tz", List.of("Asia/Kolkata"), "weekday", List.of("3")));
        assertThat(ranges).isEqualTo(" AND (created_at >= CAST('2026-10-20 18:30:00.000000' AS TIMESTAMP) "
                + "AND created_at < CAST('2026-10-21 18:30:00.000000' AS TIMESTAMP) "
                + "OR created_at >= CAST('2026-10-27 18:30:00.000000' AS TIMESTAMP) "
                + "AND created_at < CAST('2026-10-28 18:30:00.000000' AS TIMESTAMP))");
    }
}
