package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.storage.Dialect;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
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
        List<Instant[]> ranges = new DashboardSql(Dialect.DUCKDB, DashboardQuery.parse(parameters), FROM, TO).localRanges(FROM, TO);
        return ranges == null ? "" : " AND " + DashboardSql.within("created_at", ranges);
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
        // 20 October to 2 November: 3 November's 9:00 is after the period
        assertThat(ranges.split(" OR ")).hasSize(14);
    }

    @Test
    void theHourThatHappensTwiceWhenClocksGoBackIsCoveredWhole() {
        // on 25 October 2026 Paris went from 03:00 back to 02:00: 02:00-03:00 was 00:00-02:00 UTC
        String ranges = ranges(Map.of("tz", List.of("Europe/Paris"), "hour", List.of("2")));
        assertThat(ranges).contains("created_at >= CAST('2026-10-25 00:00:00.000000' AS TIMESTAMP) "
                + "AND created_at < CAST('2026-10-25 02:00:00.000000' AS TIMESTAMP)");
    }

    /**
     * Every minute of the 26 hours either side of every change of clocks from 2005 to 2027, in
     * zones whose changes are awkward (half and three-quarter hours, 30-minute changes, clocks
     * going back over midnight, negative summer time, a skipped day), lies in a range of its
     * local hour and of its weekday, as the SQL reads them (the instant plus the offset then).
     */
    @Test
    void everyInstantLiesInARangeOfItsLocalHourAndWeekday() {
        for (String name : List.of("Europe/Paris", "Pacific/Chatham", "Antarctica/Troll", "America/St_Johns", "Australia/Lord_Howe",
                "Asia/Kolkata", "Asia/Kathmandu", "America/Santiago", "America/Havana", "Pacific/Apia", "Europe/Dublin",
                "Africa/Casablanca", "Asia/Gaza")) {
            ZoneId zone = ZoneId.of(name);
            ZoneRules rules = zone.getRules();
            for (ZoneOffsetTransition change = rules.nextTransition(Instant.parse("2005-01-01T00:00:00Z"));
                    change != null && change.getInstant().isBefore(Instant.parse("2028-01-01T00:00:00Z"));
                    change = rules.nextTransition(change.getInstant())) {
                Instant from = change.getInstant().minus(26, ChronoUnit.HOURS);
                Instant to = change.getInstant().plus(26, ChronoUnit.HOURS);
                List<List<Instant[]>> byHour = new ArrayList<>();
                for (int hour = 0; hour < 24; hour++) {
                    byHour.add(localRanges(name, from, to, "hour", hour));
                }
                List<List<Instant[]>> byWeekday = new ArrayList<>();
                for (int weekday = 1; weekday <= 7; weekday++) {
                    byWeekday.add(localRanges(name, from, to, "weekday", weekday));
                }
                for (Instant t = from; t.isBefore(to); t = t.plus(1, ChronoUnit.MINUTES)) {
                    LocalDateTime local = LocalDateTime.ofEpochSecond(t.getEpochSecond() + rules.getOffset(t).getTotalSeconds(), 0,
                            ZoneOffset.UTC);
                    assertThat(contains(byHour.get(local.getHour()), t)).as(name + " " + t + " hour " + local.getHour()).isTrue();
                    assertThat(contains(byWeekday.get(local.getDayOfWeek().getValue() - 1), t))
                            .as(name + " " + t + " weekday " + local.getDayOfWeek()).isTrue();
                }
            }
        }
    }

    /**
     * Where the ranges are called exact, the rows query drops the local time's expression and
     * takes them alone, so each must be exactly its local hour or day: for every change of clocks
     * of the zones above, with the week's end up to three days either side of it.
     */
    @Test
    void rangesCalledExactAreExactlyTheirLocalHourOrDay() {
        for (String name : List.of("Europe/Paris", "Pacific/Chatham", "Pacific/Auckland", "America/St_Johns", "Australia/Lord_Howe",
                "America/Santiago", "Pacific/Apia", "Europe/Dublin", "Africa/Casablanca")) {
            ZoneId zone = ZoneId.of(name);
            ZoneRules rules = zone.getRules();
            for (ZoneOffsetTransition change = rules.nextTransition(Instant.parse("2015-01-01T00:00:00Z"));
                    change != null && change.getInstant().isBefore(Instant.parse("2028-01-01T00:00:00Z"));
                    change = rules.nextTransition(change.getInstant())) {
                for (int shift = -72; shift <= 72; shift += 6) {
                    Instant to = change.getInstant().plus(shift, ChronoUnit.HOURS);
                    Instant from = to.minus(7, ChronoUnit.DAYS);
                    for (String filter : List.of("hour=0", "hour=9", "hour=23", "weekday=1", "weekday=3", "weekday=5", "weekday=7")) {
                        String[] parts = filter.split("=");
                        DashboardQuery query = DashboardQuery.parse(Map.of("tz", List.of(name), parts[0], List.of(parts[1])));
                        DashboardSql.LocalRanges ranges = new DashboardSql(Dialect.POSTGRESQL, query, from, to).localRangesOf(from, to);
                        if (!ranges.exact()) {
                            continue;
                        }
                        for (Instant[] range : ranges.ranges()) {
                            LocalDateTime start = range[0].atZone(zone).toLocalDateTime();
                            LocalDateTime end = range[1].atZone(zone).toLocalDateTime();
                            String what = name + " " + filter + " until " + to + ": " + range[0] + " - " + range[1];
                            assertThat(rules.getOffset(range[0])).as(what).isEqualTo(rules.getOffset(range[1].minusNanos(1)));
                            if (parts[0].equals("hour")) {
                                assertThat(start).as(what).isEqualTo(start.toLocalDate().atTime(Integer.parseInt(parts[1]), 0));
                                assertThat(end).as(what).isEqualTo(start.plusHours(1));
                            } else {
                                assertThat(start).as(what).isEqualTo(start.toLocalDate().atStartOfDay());
                                assertThat(start.getDayOfWeek().getValue()).as(what).isEqualTo(Integer.parseInt(parts[1]));
                                assertThat(end).as(what).isEqualTo(start.plusDays(1));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A weekday in New Zealand two days before its clocks go forward: the range of the Friday that
     * ends the week is widened by the change (its offsets are read 15 hours either side), so the
     * rows keep the weekday's expression; an hour in India, whose offset never changes, does not.
     */
    @Test
    void theRowsKeepTheExpressionWhereAChangeOfClocksWidensARange() {
        Instant to = Instant.parse("2024-09-26T12:00:00Z"); // Friday 00:00 in Auckland; clocks go forward on the 29th
        Instant from = to.minus(7, ChronoUnit.DAYS);
        String friday = new DashboardSql(Dialect.POSTGRESQL, DashboardQuery.parse(Map.of("tz", List.of("Pacific/Auckland"),
                "weekday", List.of("5"))), from, to).where(1, from, to, new ArrayList<>());
        assertThat(friday).contains("% 7 + 1 AS INTEGER) = ?");
        String nine = new DashboardSql(Dialect.POSTGRESQL, DashboardQuery.parse(Map.of("tz", List.of("Asia/Kolkata"),
                "hour", List.of("9"))), from, to).where(1, from, to, new ArrayList<>());
        assertThat(nine).doesNotContain("% 24").contains("created_at >= CAST('2024-09-20 03:30:00.000000' AS TIMESTAMP)");
    }

    private static List<Instant[]> localRanges(String zone, Instant from, Instant to, String filter, int value) {
        DashboardQuery query = DashboardQuery.parse(Map.of("tz", List.of(zone), filter, List.of(Integer.toString(value))));
        return new DashboardSql(Dialect.DUCKDB, query, from, to).localRanges(from, to);
    }

    private static boolean contains(List<Instant[]> ranges, Instant t) {
        for (Instant[] range : ranges) {
            if (!t.isBefore(range[0]) && t.isBefore(range[1])) {
                return true;
            }
        }
        return false;
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

    /**
     * Summaries, kept per UTC hour, are narrowed by an expression on the hour with one constant per
     * change of clocks, not by a range per day: DuckDB spent about 10 ms planning each statement
     * with the 60 ranges of a 30-day view.
     */
    @Test
    void summariesAreNarrowedByTheHoursLocalTimeWithOneConstantPerChangeOfClocks() {
        DashboardQuery query = DashboardQuery.parse(Map.of("tz", List.of("Europe/Paris"), "hour", List.of("9")));
        List<Object> parameters = new ArrayList<>();
        String condition = new DashboardSql(Dialect.DUCKDB, query, FROM.minus(30, ChronoUnit.DAYS), TO)
                .localTimeOfHour("hour", false, false, parameters);
        assertThat(condition).isEqualTo("1 = 1 AND CAST(CAST(floor((extract(epoch FROM hour) + (CASE WHEN hour < "
                + "CAST('2026-10-25 01:00:00.000000' AS TIMESTAMP) THEN 7200 ELSE 3600 END)) / 3600) AS BIGINT) % 24 AS INTEGER) = ?");
        assertThat(parameters).containsExactly(9);
        List<Object> epochParameters = new ArrayList<>();
        assertThat(new DashboardSql(Dialect.DUCKDB, query, FROM.minus(30, ChronoUnit.DAYS), TO).localTimeOfHour("hour", true,
                false, epochParameters)).contains("WHEN hour < 1792890000 THEN 7200");
    }

    /** Where local days cut UTC hours, only the hours that read as the weekday from start to end are the summaries'. */
    @Test
    void aWeekdayWhoseDaysCutHoursTakesTheHoursWhollyInIt() {
        DashboardQuery query = DashboardQuery.parse(Map.of("tz", List.of("Asia/Kolkata"), "weekday", List.of("3")));
        List<Object> parameters = new ArrayList<>();
        String condition = new DashboardSql(Dialect.DUCKDB, query, FROM, TO).localTimeOfHour("hour", false, true, parameters);
        assertThat(condition).isEqualTo("1 = 1"
                + " AND CAST((CAST(floor((extract(epoch FROM hour) + 19800) / 86400) AS BIGINT) + 3) % 7 + 1 AS INTEGER) = ?"
                + " AND CAST((CAST(floor(((extract(epoch FROM hour) + 19800) + 3599) / 86400) AS BIGINT) + 3) % 7 + 1 AS INTEGER) = ?");
        assertThat(parameters).containsExactly(3, 3);
    }

    /**
     * A weekday alone comes from the summaries in zones whose days cut UTC hours while their
     * clocks change away from midnight (Newfoundland at 02:00), not where they changed at midnight
     * (Iran until 2022), nor with an hour, which holds no whole UTC hour there.
     */
    @Test
    void aWeekdayWhoseDaysCutHoursIsSummarisedUnlessClocksChangeAtMidnight() {
        Span november = new Span(Instant.parse("2026-10-21T15:30:00Z"), Instant.parse("2026-11-20T15:30:00Z"),
                Instant.parse("2026-09-21T15:30:00Z"), false, 86_400, 0);
        assertThat(SummaryAggregator.weekdayCutsHours(query("Asia/Kolkata", "3"), november)).isTrue();
        assertThat(SummaryAggregator.weekdayCutsHours(query("America/St_Johns", "7"), november)).isTrue();
        assertThat(SummaryAggregator.weekdayCutsHours(query("Europe/Paris", "3"), november)).as("whole hours").isFalse();
        DashboardQuery withHour = DashboardQuery.parse(Map.of("tz", List.of("Asia/Kolkata"), "weekday", List.of("3"),
                "hour", List.of("9")));
        assertThat(SummaryAggregator.weekdayCutsHours(withHour, november)).isFalse();
        // Tehran went back from 00:00 to 23:00 on 22 September 2021
        Span september2021 = new Span(Instant.parse("2021-09-10T00:00:00Z"), Instant.parse("2021-10-10T00:00:00Z"),
                Instant.parse("2021-08-11T00:00:00Z"), false, 86_400, 0);
        assertThat(SummaryAggregator.weekdayCutsHours(query("Asia/Tehran", "3"), september2021)).isFalse();
        assertThat(SummaryAggregator.weekdayCutsHours(query("Asia/Tehran", "3"), november)).isTrue();
    }

    /** St John's left summer time at 02:00 on Sunday 1 November 2026: that day is 25 hours long. */
    @Test
    void localDaysRunFromMidnightToMidnightAcrossAChangeOfClocks() {
        DashboardQuery sunday = query("America/St_Johns", "7");
        List<Instant[]> days = new DashboardSql(Dialect.DUCKDB, sunday, FROM, TO).localDays(FROM, TO);
        assertThat(days).extracting(day -> day[0] + " " + day[1]).containsExactly(
                "2026-10-25T02:30:00Z 2026-10-26T02:30:00Z", "2026-11-01T02:30:00Z 2026-11-02T03:30:00Z");
    }

    private static DashboardQuery query(String zone, String weekday) {
        return DashboardQuery.parse(Map.of("tz", List.of(zone), "weekday", List.of(weekday)));
    }
}
