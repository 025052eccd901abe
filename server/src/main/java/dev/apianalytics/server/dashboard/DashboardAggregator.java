package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.DashboardData.ActivityPoint;
import dev.apianalytics.server.dashboard.DashboardData.Count;
import dev.apianalytics.server.dashboard.DashboardData.EndpointRow;
import dev.apianalytics.server.dashboard.DashboardData.HistogramBucket;
import dev.apianalytics.server.dashboard.DashboardData.Metric;
import dev.apianalytics.server.dashboard.DashboardData.Percentiles;
import dev.apianalytics.server.dashboard.DashboardData.Summary;
import dev.apianalytics.server.dashboard.DashboardData.UserRow;
import dev.apianalytics.server.storage.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes every panel of the dashboard in the database with about a dozen grouped queries over
 * the key's filtered rows (the small breakdowns share one scan, the endpoint table and the
 * versions another), so the page receives a few
 * kilobytes however many rows the key has.
 */
final class DashboardAggregator {

    /** Histogram edges in milliseconds; empty buckets at either end are trimmed. */
    static final double[] HISTOGRAM_EDGES = {0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
    static final int TOP = 10;
    static final int TOP_ENDPOINTS = 50;
    private static final int MAX_BUCKETS = 400;
    /** Monday 00:00 is 4 days after the epoch (a Thursday): weekly buckets start on Mondays. */
    private static final long WEEK_SHIFT = 3 * 86_400L;

    private final Connection connection;
    private final Dialect dialect;

    DashboardAggregator(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    DashboardData compute(long keyId, DashboardQuery query, Instant now) throws SQLException {
        boolean allTime = query.period() == DashboardQuery.Period.ALL;
        Instant from = query.from(now, allTime ? firstRequest(keyId) : null);
        Instant to = now;
        long length = Math.max(1, to.getEpochSecond() - from.getEpochSecond());
        Instant previousFrom = allTime ? from : from.minusSeconds(length);
        DashboardSql sql = new DashboardSql(dialect, query, previousFrom, to);
        long bucket = allTime ? bucketFor(length) : query.period().bucketSeconds;
        long shift = bucket % (7 * 86_400L) == 0 ? WEEK_SHIFT : 0;

        Summary summary = summary(sql, keyId, previousFrom, from, to, allTime);
        Breakdowns breakdowns = breakdowns(sql, keyId, from, to);
        Endpoints endpoints = endpoints(sql, keyId, from, to);
        return new DashboardData(
                query.period().name,
                from.toString(),
                to.toString(),
                bucket,
                query.zone().getId(),
                hostnames(keyId, from, to),
                summary,
                percentiles(sql, keyId, from, to),
                histogram(sql, keyId, from, to),
                activity(sql, keyId, from, to, bucket, shift),
                endpoints.rows(),
                breakdowns.top(STATUS, 20),
                breakdowns.top(COUNTRY, TOP),
                breakdowns.top(CLIENT, TOP),
                breakdowns.top(OS, TOP),
                breakdowns.top(DEVICE, TOP),
                endpoints.versions(),
                counts(sql, keyId, from, to, "referrer", TOP, true),
                breakdowns.perIndex(HOUR, 24, 0),
                breakdowns.perIndex(WEEKDAY, 7, 1),
                users(sql, keyId, from, to));
    }

    /** A bucket for an arbitrary span ("all time") giving at most about a hundred points. */
    static long bucketFor(long seconds) {
        long[] choices = {3_600L, 3 * 3_600L, 6 * 3_600L, 86_400L, 7 * 86_400L, 30 * 86_400L};
        for (long choice : choices) {
            if (seconds / choice <= 100) {
                return choice;
            }
        }
        return 30 * 86_400L;
    }

    private Instant firstRequest(long keyId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT min(created_at) FROM requests WHERE key_id = ?")) {
            select.setLong(1, keyId);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    LocalDateTime first = rows.getObject(1, LocalDateTime.class);
                    return first == null ? null : first.toInstant(ZoneOffset.UTC);
                }
                return null;
            }
        }
    }

    private List<String> hostnames(long keyId, Instant from, Instant to) throws SQLException {
        List<String> names = new ArrayList<>();
        String text = "SELECT hostname, count(*) FROM requests WHERE key_id = ? AND created_at >= ? AND created_at < ? "
                + "AND hostname IS NOT NULL GROUP BY hostname ORDER BY 2 DESC, 1 LIMIT 50";
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, List.of(keyId, DashboardSql.utc(from), DashboardSql.utc(to)));
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
                + "), avg(response_time) FROM requests WHERE " + where;
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
        String text = "SELECT " + sql.percentiles(0.5, 0.75, 0.9, 0.95, 0.99) + " FROM requests WHERE " + where;
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
        String text = "SELECT " + bucket + " AS b, count(*) FROM requests WHERE " + where + " GROUP BY 1";
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts[rows.getInt(1)] = rows.getLong(2);
                }
            }
        }
        int first = 0;
        while (first < counts.length - 1 && counts[first] == 0) {
            first++;
        }
        int last = counts.length - 1;
        while (last > first && counts[last] == 0) {
            last--;
        }
        // keep a readable minimum of buckets even when every request fell into one
        while (last - first < 5 && last < counts.length - 1) {
            last++;
        }
        while (last - first < 5 && first > 0) {
            first--;
        }
        List<HistogramBucket> buckets = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            Double upper = i + 1 < HISTOGRAM_EDGES.length ? HISTOGRAM_EDGES[i + 1] : null;
            buckets.add(new HistogramBucket(HISTOGRAM_EDGES[i], upper, counts[i]));
        }
        return buckets;
    }

    private List<ActivityPoint> activity(DashboardSql sql, long keyId, Instant from, Instant to, long bucket, long shift)
            throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        // buckets are counted on the local wall clock, so days start at local midnight, DST or not
        String index = "CAST(floor((" + sql.localEpoch() + " + " + shift + ") / " + bucket + ") AS BIGINT)";
        String text = "SELECT " + index + " AS b, count(*), count(DISTINCT " + DashboardSql.USER + "), avg(response_time), "
                + "avg(" + DashboardSql.SUCCESS + ") FROM requests WHERE " + where + " GROUP BY 1";
        Map<Long, ActivityPoint> byIndex = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long i = rows.getLong(1);
                    byIndex.put(i, new ActivityPoint(start(sql, i, bucket, shift), rows.getLong(2), rows.getLong(3),
                            nullableDouble(rows, 4), nullableDouble(rows, 5)));
                }
            }
        }
        long firstIndex = Math.floorDiv(sql.localEpochOf(from) + shift, bucket);
        long lastIndex = Math.floorDiv(sql.localEpochOf(to.minusSeconds(1)) + shift, bucket);
        firstIndex = Math.max(firstIndex, lastIndex - MAX_BUCKETS + 1);
        List<ActivityPoint> points = new ArrayList<>();
        for (long i = firstIndex; i <= lastIndex; i++) {
            ActivityPoint point = byIndex.get(i);
            points.add(point != null ? point : new ActivityPoint(start(sql, i, bucket, shift), 0, 0, null, null));
        }
        return points;
    }

    /** Epoch milliseconds at which a bucket starts. */
    private static long start(DashboardSql sql, long index, long bucket, long shift) {
        return sql.instantOfLocal(index * bucket - shift).toEpochMilli();
    }

    /** The endpoint table and the requests per API version, both from one grouping of the rows by endpoint. */
    private record Endpoints(List<EndpointRow> rows, List<Count> versions) {}

    /**
     * Every (method, endpoint) group is computed once; the ranked table and the versions (read from
     * each distinct endpoint, not from every row) are both taken from it, told apart by a tag column.
     */
    private Endpoints endpoints(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String[] classes = {"2", "3", "4", "5"};
        StringBuilder select = new StringBuilder("SELECT method, " + DashboardSql.ENDPOINT + " AS endpoint, count(*) AS n");
        for (String c : classes) {
            select.append(", sum(CASE WHEN status BETWEEN ").append(c).append("00 AND ").append(c).append("99 THEN 1 ELSE 0 END) AS s")
                    .append(c);
        }
        select.append(", avg(response_time) AS mean, row_number() OVER (ORDER BY count(*) DESC) AS r");
        for (String c : classes) {
            select.append(", row_number() OVER (ORDER BY sum(CASE WHEN status BETWEEN ").append(c).append("00 AND ")
                    .append(c).append("99 THEN 1 ELSE 0 END) DESC) AS r").append(c);
        }
        select.append(" FROM requests WHERE ").append(where).append(" GROUP BY method, ").append(DashboardSql.ENDPOINT);
        String text = "WITH ranked AS MATERIALIZED (" + select + ") "
                + "SELECT 0 AS tag, method, endpoint, n, s2, s3, s4, s5, mean FROM ranked WHERE r <= "
                + TOP_ENDPOINTS + " OR r2 <= " + TOP_ENDPOINTS + " OR r3 <= " + TOP_ENDPOINTS + " OR r4 <= "
                + TOP_ENDPOINTS + " OR r5 <= " + TOP_ENDPOINTS
                + " UNION ALL SELECT 1, NULL, v, CAST(sum(n) AS BIGINT), 0, 0, 0, 0, NULL FROM (SELECT " + sql.version("endpoint")
                + " AS v, n FROM ranked) versions GROUP BY v"
                + " ORDER BY 1, 4 DESC, 3, 2";
        List<EndpointRow> endpoints = new ArrayList<>();
        List<Count> versions = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(text)) {
            DashboardSql.bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (rows.getInt(1) == 0) {
                        endpoints.add(new EndpointRow(rows.getString(2), rows.getString(3), rows.getLong(4), rows.getLong(5),
                                rows.getLong(6), rows.getLong(7), rows.getLong(8), nullableDouble(rows, 9)));
                    } else if (rows.getString(3) != null) {
                        // unversioned endpoints are dropped here: no SQL filter that could run the expression per row
                        versions.add(new Count(rows.getString(3), rows.getLong(4)));
                    }
                }
            }
        }
        return new Endpoints(endpoints, versions.stream()
                .sorted(Comparator.comparingLong(Count::count).reversed().thenComparing(Count::key))
                .limit(TOP)
                .toList());
    }

    private List<Count> counts(DashboardSql sql, long keyId, Instant from, Instant to, String expression, int limit,
            boolean knownOnly) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        if (knownOnly) {
            where += " AND " + expression + " IS NOT NULL";
        }
        String text = "SELECT " + expression + " AS k, count(*) AS n FROM requests WHERE " + where
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
                + "FROM requests WHERE " + where + ") filtered "
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

    /** What {@link #breakdowns} found, per column. */
    private static final class Breakdowns {
        final List<List<Count>> counts = new ArrayList<>();

        Breakdowns() {
            for (int i = 0; i < BREAKDOWNS; i++) {
                counts.add(new ArrayList<>());
            }
        }

        /** The most frequent values first, ties by value; "unknown" (null) included. */
        List<Count> top(int column, int limit) {
            return counts.get(column).stream()
                    .sorted(Comparator.comparingLong(Count::count).reversed()
                            .thenComparing(Count::key, Comparator.nullsLast(Comparator.naturalOrder())))
                    .limit(limit)
                    .toList();
        }

        long[] perIndex(int column, int size, int base) {
            long[] values = new long[size];
            for (Count count : counts.get(column)) {
                if (count.key() != null) {
                    int i = Integer.parseInt(count.key()) - base;
                    if (i >= 0 && i < size) {
                        values[i] = count.count();
                    }
                }
            }
            return values;
        }
    }

    private List<UserRow> users(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters) + " AND " + DashboardSql.USER + " IS NOT NULL";
        String text = "SELECT " + DashboardSql.USER + " AS u, count(*) AS n, avg(" + DashboardSql.SUCCESS + "), max(created_at) "
                + "FROM requests WHERE " + where + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + TOP;
        List<UserRow> users = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    LocalDateTime last = rows.getObject(4, LocalDateTime.class);
                    users.add(new UserRow(rows.getString(1), rows.getLong(2), nullableDouble(rows, 3),
                            last == null ? null : last.toInstant(ZoneOffset.UTC).toString()));
                }
            }
        }
        return users;
    }

    private static Double ratio(double part, double whole) {
        return whole == 0 ? null : part / whole;
    }

    private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }
}
