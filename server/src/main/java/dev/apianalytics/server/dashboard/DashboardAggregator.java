package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.DashboardData.ActivityPoint;
import dev.apianalytics.server.dashboard.DashboardData.Count;
import dev.apianalytics.server.dashboard.DashboardData.HistogramBucket;
import dev.apianalytics.server.dashboard.DashboardData.Metric;
import dev.apianalytics.server.dashboard.DashboardData.Percentiles;
import dev.apianalytics.server.dashboard.DashboardData.Summary;
import dev.apianalytics.server.dashboard.DashboardData.UserRow;
import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.SummaryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes every panel of the dashboard in the database with about a dozen grouped queries over
 * the key's filtered rows (the small breakdowns share one scan, the endpoint table and the
 * versions another), so the page receives a few
 * kilobytes however many rows the key has.
 */
final class DashboardAggregator {

    static final int TOP = Panels.TOP;
    private static final double[] HISTOGRAM_EDGES = Panels.HISTOGRAM_EDGES;

    private final Connection connection;
    private final Dialect dialect;
    /** Where the panels read the rows: {@code requests}, or a copy of a view's filtered rows. */
    private final String source;

    DashboardAggregator(Connection connection, Dialect dialect) {
        this(connection, dialect, "requests");
    }

    private DashboardAggregator(Connection connection, Dialect dialect, String source) {
        this.connection = connection;
        this.dialect = dialect;
        this.source = source;
    }

    DashboardData compute(long keyId, DashboardQuery query, Instant now) throws SQLException {
        return compute(keyId, query, now, FilteredRows.maxRows(dialect));
    }

    /** The dashboard, whose filtered rows, when they are no more than {@code maxRows}, are first copied. */
    DashboardData compute(long keyId, DashboardQuery query, Instant now, int maxRows) throws SQLException {
        Span span = Span.of(connection, keyId, query, now);
        DashboardSql sql = new DashboardSql(dialect, query, span.previousFrom(), span.to());
        List<String> filters = new ArrayList<>(SummaryAggregator.rowFilters(query));
        if (sql.localRanges(span.previousFrom(), span.to()) != null) {
            // its time ranges narrow each panel's read already: on PostgreSQL through the index (copying
            // 42,000 rows of an hour in India cost more than it saved), on DuckDB a weekday's, whose days
            // are runs of row groups; an hour's rows lie in every row group, and DuckDB copies them
            filters.removeAll(dialect == Dialect.POSTGRESQL ? SummaryAggregator.LOCAL_TIME : List.of("weekday"));
        }
        if (!filters.isEmpty()) {
            // another filter: its rows are likely few, copied once rather than found by each panel's scan
            Optional<FilteredRows> filtered = FilteredRows.copy(connection, dialect, sql, keyId, span.previousFrom(), span.to(),
                    maxRows);
            if (filtered.isPresent()) {
                try (FilteredRows copied = filtered.get()) {
                    return new DashboardAggregator(connection, dialect, copied.table()).panels(keyId, query, span, sql);
                }
            }
        }
        return panels(keyId, query, span, sql);
    }

    private DashboardData panels(long keyId, DashboardQuery query, Span span, DashboardSql sql) throws SQLException {
        Instant from = span.from();
        Instant to = span.to();
        boolean allTime = span.allTime();
        Instant previousFrom = span.previousFrom();
        long bucket = span.bucket();
        long shift = span.shift();

        Summary summary = summary(sql, keyId, previousFrom, from, to, allTime);
        Breakdowns breakdowns = breakdowns(sql, keyId, from, to);
        Panels.Endpoints endpoints = endpoints(sql, keyId, from, to);
        return new DashboardData(
                query.period().name,
                from.toString(),
                to.toString(),
                bucket,
                query.zone().getId(),
                false,
                hostnames(keyId, from, to),
                summary,
                percentiles(sql, keyId, from, to),
                histogram(sql, keyId, from, to),
                activity(sql, keyId, from, to, bucket, shift),
                endpoints.rows(),
                breakdowns.top(STATUS, Panels.TOP_STATUSES),
                breakdowns.top(COUNTRY, TOP),
                breakdowns.top(CLIENT, TOP),
                breakdowns.top(OS, TOP),
                breakdowns.top(DEVICE, TOP),
                endpoints.versions(),
                counts(sql, keyId, from, to, "referrer", TOP, true),
                breakdowns.perIndex(HOUR, 24, 0),
                breakdowns.perIndex(WEEKDAY, 7, 1),
                users(sql, keyId, from, to),
                null,
                SummaryAggregator.unsummarised(query, span));
    }

    /**
     * When the key's first request was made: its first row, or, when raw retention deleted the
     * rows of earlier hours, the first hour of its summaries.
     */
    static Instant firstRequest(Connection connection, long keyId) throws SQLException {
        Instant firstRow = first(connection, "SELECT min(created_at) FROM requests WHERE key_id = ?", keyId);
        Instant firstHour = first(connection, "SELECT min(hour) FROM rollup_endpoints WHERE key_id = ?", keyId);
        boolean rowsDeleted = firstHour != null && (firstRow == null || firstHour.isBefore(firstRow.truncatedTo(ChronoUnit.HOURS)));
        return rowsDeleted ? firstHour : firstRow;
    }

    private static Instant first(Connection connection, String sql, long keyId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, keyId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Storage.instant(rows, 1) : null;
            }
        }
    }

    /**
     * The period's hostnames, whatever the filters: from the summaries where they hold the period's
     * hours whole (a scan of a month's rows for them took 220 ms of a local hour's 0.94 s in India on
     * PostgreSQL at 1M rows, 53-85 ms on DuckDB at 10M), otherwise from the rows: before the job's
     * first run, and while any of those hours waits to be redone for late rows (a backfill, such as
     * the demo's month of history, is all late rows).
     */
    private List<String> hostnames(long keyId, Instant from, Instant to) throws SQLException {
        Instant summarisedUntil = SummaryJob.summarisedUntil(connection);
        if (summarisedUntil != null && !SummaryJob.hasLateHours(connection, keyId, from, summarisedUntil)) {
            SummarySource source = new SummarySource(keyId, from, to, summarisedUntil, SummaryJob.daysUntil(connection), null);
            if (source.hasSummaries()) {
                return SummaryAggregator.hostnames(connection, source);
            }
        }
        List<String> names = new ArrayList<>();
        String text = "SELECT hostname, count(*) FROM requests WHERE key_id = ? AND created_at >= ? AND created_at < ? "
                + "AND hostname IS NOT NULL GROUP BY hostname ORDER BY 2 DESC, 1 LIMIT 50";
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, List.of(keyId, Storage.utc(from), Storage.utc(to)));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private Summary summary(DashboardSql sql, long keyId, Instant previousFrom, Instant from, Instant to, boolean allTime)
            throws SQLException {
        // two plain scans beat one scan with FILTER clauses: DuckDB's filtered DISTINCT aggregates are slow
        double[] current = headline(sql, keyId, from, to);
        double[] previous = allTime ? null : headline(sql, keyId, previousFrom, from);
        return new Summary(
                new Metric((long) current[0], previous == null ? null : (long) previous[0]),
                new Metric((long) current[1], previous == null ? null : (long) previous[1]),
                new Metric((long) current[2], previous == null ? null : (long) previous[2]),
                new Metric(ratio(current[3], current[0]), previous == null ? null : ratio(previous[3], previous[0])),
                new Metric(nanToNull(current[4]), previous == null ? null : nanToNull(previous[4])));
    }

    /** Requests, distinct IPs, distinct user ids, successes and mean response time (NaN without rows). */
    private double[] headline(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT count(*), count(DISTINCT ip_address), count(DISTINCT user_id), sum(" + DashboardSql.SUCCESS
                + "), avg(response_time) FROM " + source + " WHERE " + where;
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                Double mean = nullableDouble(rows, 5);
                return new double[] {rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
                        mean == null ? Double.NaN : mean};
            }
        }
    }

    private static Double nanToNull(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private Percentiles percentiles(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + sql.percentiles(0.5, 0.75, 0.9, 0.95, 0.99) + " FROM " + source + " WHERE " + where;
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                java.sql.Array array = rows.getArray(1);
                if (array == null) {
                    return new Percentiles(null, null, null, null, null);
                }
                Object[] values = (Object[]) array.getArray();
                return new Percentiles(number(values[0]), number(values[1]), number(values[2]), number(values[3]),
                        number(values[4]));
            }
        }
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    private List<HistogramBucket> histogram(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        StringBuilder bucket = new StringBuilder("CASE");
        for (int i = 1; i < HISTOGRAM_EDGES.length; i++) {
            bucket.append(" WHEN response_time < ").append(HISTOGRAM_EDGES[i]).append(" THEN ").append(i - 1);
        }
        bucket.append(" ELSE ").append(HISTOGRAM_EDGES.length - 1).append(" END");
        long[] counts = new long[HISTOGRAM_EDGES.length];
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + bucket + " AS b, count(*) FROM " + source + " WHERE " + where + " GROUP BY 1";
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts[rows.getInt(1)] = rows.getLong(2);
                }
            }
        }
        return Panels.histogram(counts);
    }

    List<ActivityPoint> activity(DashboardSql sql, long keyId, Instant from, Instant to, long bucket, long shift)
            throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + sql.bucketIndex(bucket, shift) + " AS b, count(*), count(DISTINCT " + DashboardSql.USER + "), avg(response_time), "
                + "avg(" + DashboardSql.SUCCESS + ") FROM " + source + " WHERE " + where + " GROUP BY 1";
        Map<Long, ActivityPoint> byIndex = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long i = rows.getLong(1);
                    byIndex.put(i, new ActivityPoint(Panels.start(sql, i, bucket, shift), rows.getLong(2), rows.getLong(3),
                            nullableDouble(rows, 4), nullableDouble(rows, 5)));
                }
            }
        }
        return Panels.activity(byIndex, sql, from, to, bucket, shift);
    }

    /** Distinct users per activity bucket, by bucket index. */
    Map<Long, Long> usersPerBucket(DashboardSql sql, long keyId, Instant from, Instant to, long bucket, long shift)
            throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + sql.bucketIndex(bucket, shift) + " AS b, count(DISTINCT " + DashboardSql.USER + ") FROM " + source
                + " WHERE " + where + " GROUP BY 1";
        Map<Long, Long> users = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    users.put(rows.getLong(1), rows.getLong(2));
                }
            }
        }
        return users;
    }

    private Panels.Endpoints endpoints(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String grouped = "SELECT method, " + DashboardSql.ENDPOINT + " AS endpoint, count(*) AS n" + Panels.statusClasses("1")
                + ", avg(response_time) AS mean FROM " + source + " WHERE " + where + " GROUP BY method, " + DashboardSql.ENDPOINT;
        return Panels.endpoints(connection, sql, grouped, parameters);
    }

    private List<Count> counts(DashboardSql sql, long keyId, Instant from, Instant to, String expression, int limit,
            boolean knownOnly) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        if (knownOnly) {
            where += " AND " + expression + " IS NOT NULL";
        }
        String text = "SELECT " + expression + " AS k, count(*) AS n FROM " + source + " WHERE " + where
                + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + limit;
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Object key = rows.getObject(1);
                    counts.add(new Count(key == null ? null : key.toString(), rows.getLong(2)));
                }
            }
        }
        return counts;
    }

    /** The columns counted by {@link #breakdowns}, in GROUPING() argument order. */
    private static final int STATUS = 0;
    private static final int COUNTRY = 1;
    private static final int CLIENT = 2;
    private static final int OS = 3;
    private static final int DEVICE = 4;
    private static final int HOUR = 5;
    private static final int WEEKDAY = 6;
    private static final int BREAKDOWNS = 7;

    /**
     * Requests per status, country, client, OS, device, hour and weekday in one scan
     * (GROUPING SETS): each has few distinct values, so every group comes back and Java ranks them.
     */
    private Breakdowns breakdowns(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT GROUPING(s, l, c, o, d, h, w), s, l, c, o, d, h, w, count(*) FROM ("
                + "SELECT CAST(status AS INTEGER) AS s, location AS l, client AS c, os AS o, device AS d, "
                + sql.hourOfDay() + " AS h, " + sql.weekday() + " AS w "
                + "FROM " + source + " WHERE " + where + ") filtered "
                + "GROUP BY GROUPING SETS ((s), (l), (c), (o), (d), (h), (w))";
        Breakdowns breakdowns = new Breakdowns();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int grouping = rows.getInt(1);
                    for (int column = 0; column < BREAKDOWNS; column++) {
                        // GROUPING() sets a bit for each column not grouped; the first argument is the highest bit
                        if ((grouping & (1 << (BREAKDOWNS - 1 - column))) == 0) {
                            Object key = rows.getObject(2 + column);
                            breakdowns.counts.get(column).add(new Count(key == null ? null : key.toString(), rows.getLong(9)));
                        }
                    }
                }
            }
        }
        return breakdowns;
    }

    /**
     * Requests per local hour of day (24) and weekday (7, Monday first): what summaries cannot
     * give in a zone whose local hours cut UTC hours in two.
     */
    long[][] hoursAndWeekdays(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT GROUPING(h, w), h, w, count(*) FROM (SELECT " + sql.hourOfDay() + " AS h, " + sql.weekday()
                + " AS w FROM " + source + " WHERE " + where + ") filtered GROUP BY GROUPING SETS ((h), (w))";
        long[][] counts = {new long[24], new long[7]};
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    // GROUPING() is 1 (binary 01) for the hour sets, where w is not grouped
                    if (rows.getInt(1) == 1) {
                        counts[0][rows.getInt(2)] = rows.getLong(4);
                    } else {
                        counts[1][rows.getInt(3) - 1] = rows.getLong(4);
                    }
                }
            }
        }
        return counts;
    }

    /** What {@link #breakdowns} found, per column. */
    private static final class Breakdowns {
        final List<List<Count>> counts = new ArrayList<>();

        Breakdowns() {
            for (int i = 0; i < BREAKDOWNS; i++) {
                counts.add(new ArrayList<>());
            }
        }

        List<Count> top(int column, int limit) {
            return Panels.top(counts.get(column), limit);
        }

        long[] perIndex(int column, int size, int base) {
            return Panels.perIndex(counts.get(column), size, base);
        }
    }

    private List<UserRow> users(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters) + " AND " + DashboardSql.USER + " IS NOT NULL";
        String text = "SELECT " + DashboardSql.USER + " AS u, count(*) AS n, avg(" + DashboardSql.SUCCESS + "), max(created_at) "
                + "FROM " + source + " WHERE " + where + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + TOP;
        List<UserRow> users = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant last = Storage.instant(rows, 4);
                    users.add(new UserRow(rows.getString(1), rows.getLong(2), nullableDouble(rows, 3),
                            last == null ? null : last.toString()));
                }
            }
        }
        return users;
    }

    private static Double ratio(double part, double whole) {
        return Panels.ratio(part, whole);
    }

    private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        return Storage.nullableDouble(rows, column);
    }
}
