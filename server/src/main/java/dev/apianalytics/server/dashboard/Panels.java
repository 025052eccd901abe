package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.DashboardData.ActivityPoint;
import dev.apianalytics.server.dashboard.DashboardData.Count;
import dev.apianalytics.server.dashboard.DashboardData.EndpointRow;
import dev.apianalytics.server.dashboard.DashboardData.HistogramBucket;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.LatencyHistogram;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What both ways of computing the dashboard share once the numbers are in: ranking, trimming
 * the histogram, filling empty activity buckets, and the endpoint table's SQL over a grouping.
 */
final class Panels {

    /** Histogram edges in milliseconds; empty buckets at either end are trimmed. */
    static final double[] HISTOGRAM_EDGES = LatencyHistogram.PANEL_EDGES;
    static final int TOP = 10;
    static final int TOP_ENDPOINTS = 50;
    static final int TOP_STATUSES = 20;
    private static final int MAX_BUCKETS = 400;

    private Panels() {}

    /**
     * Text by code point: the order of PostgreSQL's "C" collation and DuckDB's, in which the
     * queries rank ties ({@link DashboardSql#byCodePoint}); {@link String#compareTo} compares
     * UTF-16 units, which put characters past U+FFFF before U+E000 to U+FFFF.
     */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    /** The most frequent values first, ties by value; "unknown" (null) included. */
    static List<Count> top(List<Count> counts, int limit) {
        return counts.stream()
                .sorted(Comparator.comparingLong(Count::count).reversed()
                        .thenComparing(Count::key, Comparator.nullsLast(CODE_POINT_ORDER)))
                .limit(limit)
                .toList();
    }

    /** Counts keyed by a number from {@code base} to {@code base + size - 1}, as an array. */
    static long[] perIndex(List<Count> counts, int size, int base) {
        long[] values = new long[size];
        for (Count count : counts) {
            if (count.key() != null) {
                int i = Integer.parseInt(count.key()) - base;
                if (i >= 0 && i < size) {
                    values[i] += count.count();
                }
            }
        }
        return values;
    }

    /** The histogram panel from per-bucket counts, trimmed of empty buckets at either end but at least six wide. */
    static List<HistogramBucket> histogram(long[] counts) {
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

    /** Every activity bucket of the period, oldest first, empty ones included (at most {@value #MAX_BUCKETS}). */
    static List<ActivityPoint> activity(Map<Long, ActivityPoint> byIndex, DashboardSql sql, Instant from, Instant to,
            long bucket, long shift) {
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
    static long start(DashboardSql sql, long index, long bucket, long shift) {
        return sql.instantOfLocal(index * bucket - shift).toEpochMilli();
    }

    /** The endpoint table and the requests per API version, both from one grouping of the rows by endpoint. */
    record Endpoints(List<EndpointRow> rows, List<Count> versions) {}

    /**
     * Ranks {@code grouped} (columns method, endpoint, n, s2, s3, s4, s5, mean) once; the table
     * (the top endpoints overall and per status class) and the versions (read from each distinct
     * endpoint, not from every row) both come from it, told apart by a tag column.
     */
    static Endpoints endpoints(Connection connection, DashboardSql sql, String grouped, List<Object> parameters)
            throws SQLException {
        // ties ranked whole (busiest first, then by endpoint and method), as RowTally ranks them
        String ties = "n DESC, " + sql.byCodePoint("endpoint") + ", " + sql.byCodePoint("method");
        String ranked = "SELECT g.*, row_number() OVER (ORDER BY " + ties + ") AS r, row_number() OVER (ORDER BY s2 DESC, " + ties
                + ") AS r2, row_number() OVER (ORDER BY s3 DESC, " + ties + ") AS r3, row_number() OVER (ORDER BY s4 DESC, " + ties
                + ") AS r4, row_number() OVER (ORDER BY s5 DESC, " + ties + ") AS r5 FROM (" + grouped + ") g";
        String text = "SELECT * FROM (WITH ranked AS MATERIALIZED (" + ranked + ") "
                + "SELECT 0 AS tag, method, endpoint, n, s2, s3, s4, s5, mean FROM ranked WHERE r <= " + TOP_ENDPOINTS
                + " OR r2 <= " + TOP_ENDPOINTS + " OR r3 <= " + TOP_ENDPOINTS + " OR r4 <= " + TOP_ENDPOINTS
                + " OR r5 <= " + TOP_ENDPOINTS
                + " UNION ALL SELECT 1, NULL, v, CAST(sum(n) AS BIGINT), 0, 0, 0, 0, NULL FROM (SELECT " + sql.version("endpoint")
                + " AS v, n FROM ranked) versions GROUP BY v) tagged ORDER BY tag, " + ties;
        List<EndpointRow> endpoints = new ArrayList<>();
        List<Count> versions = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(text)) {
            DashboardSql.bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (rows.getInt(1) == 0) {
                        endpoints.add(new EndpointRow(rows.getString(2), rows.getString(3), rows.getLong(4), rows.getLong(5),
                                rows.getLong(6), rows.getLong(7), rows.getLong(8), Storage.nullableDouble(rows, 9)));
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

    /** Requests per status class as the columns {@code s2} to {@code s5}, over a count expression. */
    static String statusClasses(String counted) {
        StringBuilder columns = new StringBuilder();
        for (int c = 2; c <= 5; c++) {
            columns.append(", sum(CASE WHEN status BETWEEN ").append(c).append("00 AND ").append(c).append("99 THEN ")
                    .append(counted).append(" ELSE 0 END) AS s").append(c);
        }
        return columns.toString();
    }

    static Double ratio(double part, double whole) {
        return whole == 0 ? null : part / whole;
    }

}
