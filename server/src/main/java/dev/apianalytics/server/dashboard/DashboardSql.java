package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.storage.PostgresStorage;
import dev.apianalytics.server.storage.Schema;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.Summaries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The SQL the dashboard's panels share: the row filter, local-time arithmetic, and expressions
 * whose spelling differs between DuckDB and PostgreSQL. {@code created_at} is a UTC
 * {@code TIMESTAMP} on both.
 */
final class DashboardSql {

    /** The endpoint a request belongs to: its route template, or its path when the framework knew none. */
    static final String ENDPOINT = "coalesce(route, path)";
    /** Who made a request ({@link Schema#USER_KEY}). */
    static final String USER = Schema.USER_KEY;
    static final String SUCCESS = "CASE WHEN status < 400 THEN 1 ELSE 0 END";
    /** More daylight-saving changes than any period holds (two a year for a century). */
    private static final int MAX_TRANSITIONS = 200;
    /** An API version: the first or second segment of a path, {@code v} and digits. */
    private static final String VERSION = "^/(?:[^/]+/)?(v[0-9]{1,7})(?:/|$)";
    private static final DateTimeFormatter SQL_TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private final Dialect dialect;
    private final DashboardQuery query;
    private final Instant from;
    private final Instant to;
    private final String localEpoch;

    /**
     * SQL for {@code query}, whose rows all lie between {@code from} and {@code to}: the time zone's
     * offset is spelt out for that range (one value per daylight-saving period), so local hours,
     * weekdays and days are plain arithmetic, exact across DST changes, and identical on both
     * databases. DuckDB's ICU time-zone functions cost about a microsecond per row, which is
     * seconds over millions of rows.
     */
    DashboardSql(Dialect dialect, DashboardQuery query, Instant from, Instant to) {
        this.dialect = dialect;
        this.query = query;
        this.from = from;
        this.to = to;
        this.localEpoch = localEpoch(epochOf("created_at"), "created_at", DashboardSql::literal);
    }

    /**
     * Seconds since the local epoch of an instant given as {@code epochSeconds} (SQL), and as
     * {@code time} (SQL), which the zone's changes of offset, written by {@code literal}, are compared with.
     */
    private String localEpoch(String epochSeconds, String time, Function<Instant, String> literal) {
        return "(" + epochSeconds + " + " + offsetSeconds(query.zone(), from, to, time, literal) + ")";
    }

    /** Seconds since the epoch of {@code created_at} as a wall clock in the browser's zone reads it. */
    String localEpoch() {
        return localEpoch;
    }

    String hourOfDay() {
        return hourOfDay(localEpoch);
    }

    /** ISO day of week, 1 Monday to 7 Sunday. */
    String weekday() {
        return weekday(localEpoch);
    }

    private static String hourOfDay(String localEpoch) {
        return "CAST(CAST(floor(" + localEpoch + " / 3600) AS BIGINT) % 24 AS INTEGER)";
    }

    /** The epoch's first day was a Thursday. */
    private static String weekday(String localEpoch) {
        return "CAST((CAST(floor(" + localEpoch + " / 86400) AS BIGINT) + 3) % 7 + 1 AS INTEGER)";
    }

    /**
     * The query's local hour and weekday filters on summaries: true for the hours whose start,
     * {@code hour} (a TIMESTAMP, or with {@code epochSeconds} seconds since the epoch), reads as
     * that hour or weekday; {@code parameters} receives the values to bind. Exact where local
     * hours are UTC hours. An expression with a few constants: ranges of UTC hours, one a day (60
     * for a 30-day view and its previous period, each written for the stored hours and both live
     * parts) cost DuckDB about 10 ms of planning a statement, 0.15 s a view. With
     * {@code wholeHour}, true only for the hours that read so from start to end, where a zone's
     * local days cut UTC hours (India's start at 18:30 UTC): exact where clocks do not change
     * within an hour of a local midnight (the end is read at the start's offset).
     */
    String localTimeOfHour(String hour, boolean epochSeconds, boolean wholeHour, List<Object> parameters) {
        String local = epochSeconds ? localEpoch(hour, hour, instant -> Long.toString(instant.getEpochSecond()))
                : localEpoch(epochOf(hour), hour, DashboardSql::literal);
        List<String> readings = wholeHour ? List.of(local, "(" + local + " + 3599)") : List.of(local);
        StringBuilder condition = new StringBuilder("1 = 1");
        for (String reading : readings) {
            if (query.hour() != null) {
                condition.append(" AND ").append(hourOfDay(reading)).append(" = ?");
                parameters.add(query.hour());
            }
            if (query.weekday() != null) {
                condition.append(" AND ").append(weekday(reading)).append(" = ?");
                parameters.add(query.weekday());
            }
        }
        List<Instant[]> ranges = epochSeconds || dialect != Dialect.POSTGRESQL ? null : localRanges(from, to);
        if (ranges != null) {
            // PostgreSQL reads only those hours of its (key_id, hour) index, where the expression alone
            // reads the period's every hour; DuckDB would spend longer planning the ranges than it saves
            condition.append(" AND ").append(within(hour, ranges));
        }
        return condition.toString();
    }

    /**
     * The zone's offset at the instant {@code time} (SQL): a constant, or a CASE over the
     * transitions between from and to, written by {@code literal}.
     */
    private static String offsetSeconds(ZoneId zone, Instant from, Instant to, String time, Function<Instant, String> literal) {
        ZoneRules rules = zone.getRules();
        StringBuilder cases = new StringBuilder();
        Instant cursor = from;
        int transitions = 0;
        ZoneOffsetTransition next = rules.nextTransition(cursor);
        while (next != null && next.getInstant().isBefore(to) && transitions < MAX_TRANSITIONS) {
            cases.append(" WHEN ").append(time).append(" < ").append(literal.apply(next.getInstant()))
                    .append(" THEN ").append(next.getOffsetBefore().getTotalSeconds());
            cursor = next.getInstant();
            transitions++;
            next = rules.nextTransition(cursor);
        }
        int last = rules.getOffset(cursor).getTotalSeconds();
        return cases.length() == 0 ? Integer.toString(last) : "(CASE" + cases + " ELSE " + last + " END)";
    }

    /** The instant a wall-clock reading (seconds since the local epoch) in the zone stands for. */
    Instant instantOfLocal(long localEpochSeconds) {
        return LocalDateTime.ofEpochSecond(localEpochSeconds, 0, ZoneOffset.UTC).atZone(query.zone()).toInstant();
    }

    /** Seconds since the local epoch of an instant, the inverse of {@link #instantOfLocal}. */
    long localEpochOf(Instant instant) {
        return instant.getEpochSecond() + query.zone().getRules().getOffset(instant).getTotalSeconds();
    }

    /**
     * The API version {@code column} names in its first or second segment ({@code v1} for
     * {@code /v1/users}, {@code v2} for {@code /api/v2/items}), null when it names none. A regular
     * expression costs about a microsecond a row, so panels apply it to grouped endpoints, not rows.
     */
    String version(String column) {
        return dialect == Dialect.DUCKDB
                ? "nullif(regexp_extract(" + column + ", '" + VERSION + "', 1), '')"
                : "substring(" + column + " from '" + VERSION + "')";
    }

    /**
     * The index of the activity bucket {@code created_at} falls in, {@code bucket} seconds long:
     * counted on the local wall clock, so days start at local midnight, DST or not.
     */
    String bucketIndex(long bucket, long shift) {
        return "CAST(floor((" + localEpoch + " + " + shift + ") / " + bucket + ") AS BIGINT)";
    }

    /**
     * Seconds since the epoch of TIMESTAMP {@code column}. PostgreSQL's {@code extract} returns a
     * {@code numeric} from version 14 on, whose arithmetic made a local hour's test cost 120 ms
     * over the 416,000 rows of an hour a day for 30 days of 10M rows, where {@code date_part}'s
     * double costs 45 ms. A double holds a microsecond-precise epoch of this century to within
     * 0.25 µs, so the local hours, days and buckets computed from it come out as exact.
     */
    String epochOf(String column) {
        return dialect == Dialect.POSTGRESQL ? "date_part('epoch', " + column + ")" : "extract(epoch FROM " + column + ")";
    }

    /**
     * {@code column} (text) to sort by code point: with PostgreSQL's "C" collation, whatever the
     * database's (an en_US database puts "alice" before "Bob"); DuckDB sorts so already. Ties in
     * the panels are ranked so on both databases, as {@link Panels#CODE_POINT_ORDER} ranks them.
     */
    String byCodePoint(String column) {
        return dialect == Dialect.POSTGRESQL ? column + " COLLATE \"C\"" : column;
    }

    /** Several percentiles of response time as one array, computed from one sort. */
    String percentiles(double... fractions) {
        StringBuilder list = new StringBuilder();
        for (double fraction : fractions) {
            list.append(list.length() == 0 ? "" : ", ").append(fraction);
        }
        return dialect == Dialect.DUCKDB
                ? "quantile_cont(response_time, [" + list + "])"
                : "percentile_cont(ARRAY[" + list + "]) WITHIN GROUP (ORDER BY response_time)";
    }

    /**
     * The WHERE clause for one key between {@code from} (inclusive) and {@code to} (exclusive),
     * with every filter and setting of the query; {@code parameters} receives the bound values.
     */
    String where(long keyId, Instant from, Instant to, List<Object> parameters) {
        return where(keyId, from, to, parameters, null);
    }

    /**
     * SELECT {@code columns} of the rows {@link #where} selects, with a user filter as two parts,
     * UNION ALL: the rows of that user id, and those without one from that address. Each part's
     * conditions are then on single columns, which DuckDB applies as it scans, reading the other
     * columns only for the rows they keep; {@code coalesce(user_id, ip_address) = ?} spans two
     * columns and is applied to whole rows (a user's rows among 10 million: 0.12 s against 0.35 s).
     */
    String rowsSelect(String columns, long keyId, Instant from, Instant to, List<Object> parameters) {
        if (query.user() == null) {
            return "SELECT " + columns + " FROM requests WHERE " + where(keyId, from, to, parameters);
        }
        return "SELECT " + columns + " FROM requests WHERE " + where(keyId, from, to, parameters, true)
                + " UNION ALL SELECT " + columns + " FROM requests WHERE " + where(keyId, from, to, parameters, false);
    }

    /**
     * {@link #where}, with the user filter on the user id ({@code byUserId} true), on the address of
     * rows without one (false), or on either (null).
     */
    private String where(long keyId, Instant from, Instant to, List<Object> parameters, Boolean byUserId) {
        StringBuilder where = new StringBuilder("key_id = ? AND created_at >= ? AND created_at < ?");
        parameters.add(keyId);
        parameters.add(Storage.utc(from));
        parameters.add(Storage.utc(to));
        equal(where, parameters, "hostname", query.hostname());
        equal(where, parameters, ENDPOINT, query.endpoint());
        equal(where, parameters, "method", query.method());
        if (query.statusFrom() != null) {
            if (query.statusFrom().equals(query.statusTo())) {
                equal(where, parameters, "status", query.statusFrom());
            } else {
                where.append(" AND status BETWEEN ? AND ?");
                parameters.add(query.statusFrom());
                parameters.add(query.statusTo());
            }
        }
        equal(where, parameters, "location", query.country());
        equal(where, parameters, "client", query.client());
        equal(where, parameters, "os", query.os());
        equal(where, parameters, "device", query.device());
        String hourByMinutes = query.hour() == null || dialect != Dialect.DUCKDB ? null : localHourByMinutes(query.hour());
        // an hour's ranges, one a day, let DuckDB skip few row groups, and cost more to test than they save
        LocalRanges ranges = hourByMinutes == null || query.weekday() != null ? localRangesOf(from, to) : null;
        // where the zone keeps one offset around each, the ranges hold exactly the hour's or weekday's instants,
        // and no row's local time need be computed (PostgreSQL: 45 ms for the 416,000 rows of an hour a day, 10M rows)
        boolean rangesExact = ranges != null && ranges.exact();
        if (hourByMinutes != null) {
            where.append(" AND ").append(hourByMinutes);
        } else if (!rangesExact) {
            equal(where, parameters, hourOfDay(), query.hour());
        }
        if (!rangesExact) {
            equal(where, parameters, weekday(), query.weekday());
        }
        if (ranges != null) {
            where.append(" AND ").append(within("created_at", ranges.ranges()));
        }
        if (query.version() != null) {
            // the version of the endpoint, as the versions panel and the version slice read it
            where.append(" AND ").append(Summaries.versionIs(ENDPOINT, query.version()));
        }
        if (byUserId == null) {
            equal(where, parameters, USER, query.user());
        } else if (byUserId) {
            equal(where, parameters, "user_id", query.user());
        } else {
            where.append(" AND user_id IS NULL");
            equal(where, parameters, "ip_address", query.user());
        }
        if (query.exclude404()) {
            where.append(" AND status <> 404");
        }
        if (query.excludeBots()) {
            where.append(" AND NOT bot");
        }
        if (!query.hidden().isEmpty()) {
            List<String> patterns = likes(query);
            where.append(" AND NOT ").append(anyLike(ENDPOINT, patterns.size())).append(" AND NOT ")
                    .append(anyLike("path", patterns.size()));
            parameters.addAll(patterns);
            parameters.addAll(patterns);
        }
        return where.toString();
    }

    /**
     * DuckDB's row filter for local hour {@code hour}: the minutes of the UTC day that it occupies
     * under each offset the zone has between from and to. DuckDB pushes {@code hour()} and
     * {@code minute()} of a TIMESTAMP into its scan, where the epoch arithmetic of
     * {@link #hourOfDay()} costs three times as much (10M rows: 52 ms against 153 ms). Null where an
     * offset is not a whole number of minutes.
     */
    private String localHourByMinutes(int hour) {
        ZoneRules rules = query.zone().getRules();
        String minute = "(hour(created_at) * 60 + minute(created_at))";
        List<String> stretches = new ArrayList<>();
        Instant start = from;
        while (true) {
            ZoneOffsetTransition next = rules.nextTransition(start);
            Instant end = next == null || !next.getInstant().isBefore(to) || stretches.size() == MAX_TRANSITIONS
                    ? to : next.getInstant();
            int offset = rules.getOffset(start).getTotalSeconds();
            if (offset % 60 != 0) {
                return null;
            }
            int first = Math.floorMod(hour * 60 - offset / 60, 1440);
            String minutes = first + 60 <= 1440
                    ? minute + " BETWEEN " + first + " AND " + (first + 59)
                    : "(" + minute + " >= " + first + " OR " + minute + " < " + (first + 60 - 1440) + ")";
            stretches.add((start.equals(from) ? "" : "created_at >= " + literal(start) + " AND ")
                    + (end.equals(to) ? "" : "created_at < " + literal(end) + " AND ") + minutes);
            if (end.equals(to)) {
                return stretches.size() == 1 ? stretches.get(0) : "(" + String.join(" OR ", stretches) + ")";
            }
            start = end;
        }
    }

    /** The query's hidden-endpoint patterns. */
    List<String> hidden() {
        return query.hidden();
    }

    /**
     * SELECT of when the last request was made, between {@code from} and {@code to}, whose path a
     * hidden pattern matches but whose route, its endpoint in the summaries, none does (null when
     * none was): while there is none, the endpoint slices answer the hidden endpoints exactly.
     * Usually there is none. PostgreSQL finds the paths of closed weeks in their path indexes
     * ({@link Schema#PATH_NOT_ROUTE}) and scans the open weeks' rows, as an aggregate in
     * parallel (where {@code LIMIT 1}, planned as if a match came early, read the partitions one
     * after the other); {@code count(*)} keeps it from taking {@code max} from the
     * {@code created_at} index in order instead. The patterns must be planned as the values they
     * are, for the path index to serve them ({@link Storage#planWithValues}).
     */
    String hiddenOnlyByPath(long keyId, Instant from, Instant to, List<Object> parameters) {
        parameters.add(keyId);
        parameters.add(Storage.utc(from));
        parameters.add(Storage.utc(to));
        List<String> patterns = likes(query);
        parameters.addAll(patterns);
        parameters.addAll(patterns);
        return "SELECT max(created_at), count(*) FROM requests WHERE key_id = ? AND created_at >= ? AND created_at < ? "
                + "AND " + Schema.PATH_NOT_ROUTE + " AND " + anyLike("path", patterns.size())
                + " AND NOT " + anyLike("route", patterns.size());
    }

    /** The query's hidden-endpoint patterns as LIKE patterns ({@link #like}). */
    static List<String> likes(DashboardQuery query) {
        return query.hidden().stream().map(DashboardSql::like).toList();
    }

    /** Whether {@code column} is LIKE any of {@code count} patterns, bound as {@link #like} writes them. */
    static String anyLike(String column, int count) {
        return "(" + String.join(" OR ", Collections.nCopies(count, column + " LIKE ? ESCAPE '\\'")) + ")";
    }

    /**
     * {@code column} in any of {@code ranges} (each {@code [start, end)}), their bounds written as
     * literals, which DuckDB pushes into its scan to skip row groups, where it does not push a
     * disjunction of bound values. False when there are no ranges.
     */
    static String within(String column, List<Instant[]> ranges) {
        if (ranges.isEmpty()) {
            return "1 = 0";
        }
        StringBuilder sql = new StringBuilder("(");
        for (Instant[] range : ranges) {
            sql.append(sql.length() == 1 ? "" : " OR ").append(column).append(" >= ").append(literal(range[0]))
                    .append(" AND ").append(column).append(" < ").append(literal(range[1]));
        }
        return sql.append(')').toString();
    }

    /** The hour of day, 0 to 23, of a wall-clock reading in seconds since the local epoch. */
    static int hourOf(long localEpochSeconds) {
        return (int) Math.floorMod(Math.floorDiv(localEpochSeconds, 3600), 24);
    }

    /** The day of the week, 0 Monday to 6 Sunday, of a wall-clock reading (the epoch's first day was a Thursday). */
    static int weekdayIndexOf(long localEpochSeconds) {
        return (int) Math.floorMod(Math.floorDiv(localEpochSeconds, 86_400) + 3, 7);
    }

    /**
     * For a local hour or weekday filter, the UTC ranges that hour or those days occupy between
     * {@code from} and {@code to} ({@link #within} writes them as literals): the filter's own
     * expression costs a computation a row, but ranges let DuckDB skip the row groups outside them
     * and PostgreSQL read only those ranges of its index (a 30-day view at 10M rows read from the
     * rows: 1.4 s with the expression alone). Where the zone's offset changes, the ranges may hold
     * more than the filter, and the expression decides; elsewhere the ranges alone do
     * ({@link #where}). Null when there is no such filter, or the period holds more ranges than are
     * worth writing out. Each holds every instant whose local time (as {@link #localEpoch}
     * computes it) falls in the hour or day, whatever the clocks do: a local time L is read at instant L minus the offset then in force, so the range runs
     * from its start less the largest offset the zone had around it to its end less the smallest
     * (an hour that happens twice when clocks go back, or half of it, as in Chatham, is covered
     * whole; one that clocks skip, in part or whole, is covered where it exists).
     */
    List<Instant[]> localRanges(Instant from, Instant to) {
        LocalRanges local = localRangesOf(from, to);
        return local == null ? null : local.ranges();
    }

    /**
     * The UTC ranges of a local hour or weekday, and whether each is exactly the instants that
     * read as that hour or day: the zone keeps one offset around it.
     */
    record LocalRanges(List<Instant[]> ranges, boolean exact) {}

    /** {@link #localRanges}, with whether they are exact; null for none. */
    LocalRanges localRangesOf(Instant from, Instant to) {
        if (query.hour() == null && query.weekday() == null) {
            return null;
        }
        ZoneId zone = query.zone();
        List<Instant[]> ranges = new ArrayList<>();
        boolean exact = true;
        // from the day before: where clocks go back over midnight, an instant after from can read as that day
        for (LocalDate day = from.atZone(zone).toLocalDate().minusDays(1); !day.atStartOfDay(zone).toInstant().isAfter(to);
                day = day.plusDays(1)) {
            if (query.weekday() != null && day.getDayOfWeek().getValue() != query.weekday()) {
                continue;
            }
            LocalDateTime start = query.hour() == null ? day.atStartOfDay() : day.atTime(query.hour(), 0);
            LocalDateTime end = query.hour() == null ? start.plusDays(1) : start.plusHours(1);
            int[] offsets = offsetsAround(zone, start.toInstant(ZoneOffset.UTC), end.toInstant(ZoneOffset.UTC));
            Instant first = start.toInstant(ZoneOffset.ofTotalSeconds(offsets[1]));
            Instant last = end.toInstant(ZoneOffset.ofTotalSeconds(offsets[0]));
            if (last.isAfter(from) && first.isBefore(to)) {
                if (ranges.size() == MAX_LOCAL_RANGES) {
                    return null;
                }
                ranges.add(new Instant[] {first, last});
                exact &= offsets[0] == offsets[1];
            }
        }
        return new LocalRanges(ranges, exact);
    }

    /**
     * The UTC ranges of the query's weekday's local days from {@code from} to {@code to}, each from
     * one local midnight to the next, exactly: the instants {@link #localEpoch} reads as that day
     * where the zone's clocks never change within an hour of a midnight
     * ({@link SummaryAggregator#weekdayCutsHours}).
     */
    List<Instant[]> localDays(Instant from, Instant to) {
        return localDays(query.zone(), query.weekday(), from, to);
    }

    /** {@link #localDays(Instant, Instant)} of {@code weekday} (1 Monday to 7 Sunday) in {@code zone}. */
    static List<Instant[]> localDays(ZoneId zone, int weekday, Instant from, Instant to) {
        List<Instant[]> days = new ArrayList<>();
        for (LocalDate day = from.atZone(zone).toLocalDate(); day.atStartOfDay(zone).toInstant().isBefore(to); day = day.plusDays(1)) {
            if (day.getDayOfWeek().getValue() == weekday) {
                days.add(new Instant[] {day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant()});
            }
        }
        return days;
    }

    /**
     * The smallest and largest offsets the zone has at any instant that could read as a local time
     * between {@code localStart} and {@code localEnd} (written as UTC instants): offsets lie
     * between -12 and +14 hours, so those instants lie within 15 hours of them.
     */
    private static int[] offsetsAround(ZoneId zone, Instant localStart, Instant localEnd) {
        ZoneRules rules = zone.getRules();
        Instant lower = localStart.minus(15, ChronoUnit.HOURS);
        Instant upper = localEnd.plus(15, ChronoUnit.HOURS);
        int min = rules.getOffset(lower).getTotalSeconds();
        int max = min;
        for (ZoneOffsetTransition next = rules.nextTransition(lower); next != null && next.getInstant().isBefore(upper);
                next = rules.nextTransition(next.getInstant())) {
            min = Math.min(min, next.getOffsetAfter().getTotalSeconds());
            max = Math.max(max, next.getOffsetAfter().getTotalSeconds());
        }
        return new int[] {min, max};
    }

    /** A year of days: longer periods filter by the expression alone. */
    private static final int MAX_LOCAL_RANGES = 400;

    /** A hidden-endpoint pattern as LIKE: {@code *} matches anything, everything else literally. */
    static String like(String pattern) {
        StringBuilder like = new StringBuilder(pattern.length() + 4);
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> like.append('%');
                case '%', '_', '\\' -> like.append('\\').append(c);
                default -> like.append(c);
            }
        }
        return like.toString();
    }

    /** A timestamp as SQL text, for instants the server computed itself (never user input). */
    static String literal(Instant instant) {
        return "CAST('" + SQL_TIMESTAMP.format(Storage.utc(instant)) + "' AS TIMESTAMP)";
    }

    static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        Storage.bind(statement, parameters);
    }

    /** What to do with one row of a {@link #stream}; {@code false} stops the stream there. */
    @FunctionalInterface
    interface RowReader {
        boolean read(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code select} on PostgreSQL with its parameters, its numbers, timestamps and bytes in
     * binary (cheaper for the database to send than text), {@code fetchSize} rows at a time (a
     * cursor, when the connection is in a transaction), and hands each row to {@code each};
     * whether every row was read.
     */
    static boolean stream(Connection connection, String select, List<Object> parameters, int fetchSize, RowReader each)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(select)) {
            PostgresStorage.preferBinaryResults(statement);
            bind(statement, parameters);
            statement.setFetchSize(fetchSize);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (!each.read(rows)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    static List<Object> list() {
        return new ArrayList<>();
    }

    private static void equal(StringBuilder where, List<Object> parameters, String expression, Object value) {
        if (value != null) {
            where.append(" AND ").append(expression).append(" = ?");
            parameters.add(value);
        }
    }
}
