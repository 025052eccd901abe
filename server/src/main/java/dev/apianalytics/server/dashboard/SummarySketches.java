package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.SummarySource.Filters;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.DistinctSketch;
import dev.apianalytics.server.summary.LatencyHistogram;
import dev.apianalytics.server.summary.Summaries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The mergeable summaries of a period (response times, distinct addresses, user ids, users per
 * activity bucket): the stored hourly ones merged, plus the live rows at either end added one by
 * one. Reading them is the slowest part of a summarised dashboard, so it runs on a connection
 * of its own beside the other panels.
 */
final class SummarySketches {

    private SummarySketches() {}

    /** The period's response times and distinct addresses, user ids and (per activity bucket) users. */
    static final class Sketches {
        final LatencyHistogram latency = new LatencyHistogram();
        final DistinctSketch ips = new DistinctSketch();
        final DistinctSketch userIds = new DistinctSketch();
        final Map<Long, DistinctSketch> bucketUsers = new HashMap<>();

        /** The users of the activity bucket that holds {@code hour}. */
        DistinctSketch usersAt(Instant hour, DashboardSql sql, Span span) {
            return bucketUsers(bucketUsers, sql, span, hour);
        }
    }

    /**
     * Merges the stored sketches and those of the live rows; {@code full} adds latency and users per
     * bucket, {@code byQuarter} counts those users per quarter hour where two buckets share an hour
     * (zones offset by 30 or 45 minutes), {@code sliceQuarters} whether the slices' sketches hold
     * them over the stored hours.
     */
    static Sketches read(Connection connection, SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full, boolean byQuarter, boolean sliceQuarters) throws SQLException {
        Sketches sketches = new Sketches();
        List<Instant> straddling = full && byQuarter && filters.slice() == null ? straddlingHours(source, sql, span) : List.of();
        // an hourly users sketch is read where some stored hour lies whole in a bucket (not in a
        // 24-hour view in India, whose buckets of an hour all start at :30)
        boolean wholeHours = straddling.size() < Duration.between(source.summarisedFrom(), source.summarisedTo()).toHours();
        mergeStored(connection, source, filters, sql, span, full, byQuarter, sliceQuarters, wholeHours, sketches);
        if (!straddling.isEmpty()) {
            mergeQuarterUsers(connection, source, filters, sql, span, sketches, straddling);
        }
        for (SummarySource.LivePart part : source.liveParts()) {
            addLive(connection, part, filters, sql, span, full, byQuarter, sketches);
        }
        return sketches;
    }

    private static void mergeStored(Connection connection, SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full, boolean byQuarter, boolean sliceQuarters, boolean wholeHours, Sketches sketches) throws SQLException {
        // hours are merged whole where a bucket holds them whole, the others by quarter hour
        // (mergeQuarterUsers, or a slice's straddlingUsers)
        boolean hourlyUsers = full && (!byQuarter || filters.slice() == null && wholeHours
                || needsStraddlingUsers(filters, span, true, sliceQuarters));
        String columns = full ? "hour, ips, user_ids, latency" + (hourlyUsers ? ", users" : "") : "hour, ips, user_ids";
        List<Object> parameters = new ArrayList<>(List.of(source.keyId(), Storage.utc(source.summarisedFrom()),
                Storage.utc(source.summarisedTo())));
        String table = filters.table("rollup_sketches");
        String stored = "SELECT " + columns + " FROM " + table + " WHERE key_id = ? AND hour >= ? AND hour < ?"
                + filters.sql(table, parameters);
        forEachStored(connection, stored, parameters, row -> {
            sketches.ips.mergeBytes(row.getBytes(2));
            sketches.userIds.mergeBytes(row.getBytes(3));
            if (full) {
                sketches.latency.merge(LatencyHistogram.fromBytes(row.getBytes(4)));
            }
            Instant hour = hourlyUsers ? Storage.instant(row, 1) : null;
            if (hourlyUsers && !(byQuarter && straddles(hour, sql, span))) {
                sketches.usersAt(hour, sql, span).mergeBytes(row.getBytes(5));
            }
        });
    }

    /** What to do with one row of stored summaries. */
    @FunctionalInterface
    private interface StoredRow {
        void read(ResultSet row) throws SQLException;
    }

    /** Runs {@code select} over stored summaries, their sketches read as bytes, and hands each row to {@code each}. */
    private static void forEachStored(Connection connection, String select, List<Object> parameters, StoredRow each)
            throws SQLException {
        DashboardSql.stream(connection, select, parameters, 1_000, row -> {
            each.read(row);
            return true;
        });
    }

    /**
     * The users of the {@code straddling} hours, which two activity buckets share, from their
     * quarter hours, each in the bucket of its quarter. Reading only those (a day in India starts at
     * 18:30 UTC: one hour a day) rather than every hour's four quarters halves what a 30-day view
     * reads; the hours a bucket holds whole give their hourly users ({@link #mergeStored}).
     */
    private static void mergeQuarterUsers(Connection connection, SummarySource source, Filters filters, DashboardSql sql,
            Span span, Sketches sketches, List<Instant> straddling) throws SQLException {
        List<Object> parameters = new ArrayList<>(List.of(source.keyId()));
        // the hours as literals, as storedStraddlingUsers reads them
        String stored = "SELECT hour, quarter, users FROM rollup_quarter_users WHERE key_id = ? AND hour IN ("
                + String.join(", ", straddling.stream().map(DashboardSql::literal).toList()) + ")"
                + filters.sql("rollup_quarter_users", parameters);
        forEachStored(connection, stored, parameters, row -> sketches.usersAt(
                Storage.instant(row, 1).plusSeconds(QUARTER_SECONDS * row.getInt(2)), sql, span).mergeBytes(row.getBytes(3)));
    }

    private static final long QUARTER_SECONDS = 900;

    /**
     * Whether a sliced view's distinct users per activity bucket are counted from the rows in the
     * database rather than merged from sketches: in a zone offset by 30 or 45 minutes, with hours
     * summarised before the slices kept users per quarter hour, buckets shorter than a day share a
     * third or more of their hours, whose rows would be read one by one (a 7-day view of 10M rows:
     * 0.56 s where counting them takes 0.1 s).
     */
    static boolean usersFromRows(Filters filters, Span span, boolean byQuarter, boolean sliceQuarters) {
        return byQuarter && filters.slice() != null && !sliceQuarters && span.bucket() < 86_400;
    }

    /** Whether the hour starting at {@code hour} lies in two activity buckets (their edges are at :15, :30 or :45). */
    private static boolean straddles(Instant hour, DashboardSql sql, Span span) {
        return SummaryAggregator.bucketIndex(sql, span, hour) != SummaryAggregator.bucketIndex(sql, span, hour.plusSeconds(3599));
    }

    /**
     * Whether a sliced view in a zone offset by 30 or 45 minutes needs {@link #straddlingUsers}:
     * the slice's users per hour go to the buckets that hold their hours whole.
     */
    static boolean needsStraddlingUsers(Filters filters, Span span, boolean byQuarter, boolean sliceQuarters) {
        return byQuarter && filters.slice() != null && !usersFromRows(filters, span, byQuarter, sliceQuarters);
    }

    /**
     * The users of the stored hours that two activity buckets share (a day in India starts at
     * 18:30 UTC: one hour a day), by bucket index, each in the bucket of its quarter hour: from the
     * slice's sketches with {@code sliceQuarters}, else from the rows. They complete the sketches
     * {@link #read} merges for the hours each bucket holds whole.
     */
    static Map<Long, DistinctSketch> straddlingUsers(Connection connection, SummarySource source, Filters filters,
            DashboardSql sql, Span span, boolean sliceQuarters) throws SQLException {
        List<Instant> straddling = straddlingHours(source, sql, span);
        if (straddling.isEmpty()) {
            return new HashMap<>();
        }
        return sliceQuarters ? storedStraddlingUsers(connection, source, filters, sql, span, straddling)
                : straddlingUsersFromRows(connection, source, filters, sql, span, straddling);
    }

    /** The stored hours of {@code source} that two activity buckets share. */
    private static List<Instant> straddlingHours(SummarySource source, DashboardSql sql, Span span) {
        List<Instant> straddling = new ArrayList<>();
        for (Instant hour = source.summarisedFrom(); hour.isBefore(source.summarisedTo()); hour = hour.plusSeconds(3600)) {
            if (straddles(hour, sql, span)) {
                straddling.add(hour);
            }
        }
        return straddling;
    }

    /**
     * {@link #straddlingUsers} from the slice's users per quarter hour ({@code quarter_users}), and
     * from the rows for an hour some of whose sketches lack them: one an older collector sharing
     * the database summarised during a rolling upgrade (users are a union, so the rows of the
     * whole hour merge with the quarters that are there).
     *
     * @throws IllegalArgumentException if a stored value is not four quarters' sketches
     */
    private static Map<Long, DistinctSketch> storedStraddlingUsers(Connection connection, SummarySource source, Filters filters,
            DashboardSql sql, Span span, List<Instant> straddling) throws SQLException {
        Map<Long, DistinctSketch> users = new HashMap<>();
        SortedSet<Instant> unsplit = new TreeSet<>();
        String table = filters.table("rollup_sketches");
        List<Object> parameters = new ArrayList<>(List.of(source.keyId()));
        // the hours as literals: PostgreSQL reads them through its (key_id, slice_value, hour) index,
        // DuckDB skips the row groups outside them
        String stored = "SELECT hour, users, quarter_users FROM " + table + " WHERE key_id = ? AND hour IN ("
                + String.join(", ", straddling.stream().map(DashboardSql::literal).toList()) + ")" + filters.sql(table, parameters);
        forEachStored(connection, stored, parameters, row -> {
            Instant hour = Storage.instant(row, 1);
            byte[] quarters = row.getBytes(3);
            if (quarters == null) {
                unsplit.add(hour);
                return;
            }
            List<byte[]> parts = DistinctSketch.splitBytes(quarters);
            if (parts.size() != 4) {
                throw new IllegalArgumentException("corrupt quarter users: " + parts.size() + " sketches, not 4, at " + hour);
            }
            for (int quarter = 0; quarter < parts.size(); quarter++) {
                bucketUsers(users, sql, span, hour.plusSeconds(QUARTER_SECONDS * quarter)).mergeBytes(parts.get(quarter));
            }
        });
        if (!unsplit.isEmpty()) {
            mergeByBucket(users, straddlingUsersFromRows(connection, source, filters, sql, span, List.copyOf(unsplit)));
        }
        return users;
    }

    /** The users of the activity bucket that holds {@code time}, in {@code users} by bucket index. */
    private static DistinctSketch bucketUsers(Map<Long, DistinctSketch> users, DashboardSql sql, Span span, Instant time) {
        return users.computeIfAbsent(SummaryAggregator.bucketIndex(sql, span, time), i -> new DistinctSketch());
    }

    /** Merges users by bucket index ({@link #straddlingUsers}) into {@code into}. */
    static void mergeByBucket(Map<Long, DistinctSketch> into, Map<Long, DistinctSketch> users) {
        users.forEach((index, sketch) -> into.computeIfAbsent(index, i -> new DistinctSketch()).merge(sketch));
    }

    /** {@link #straddlingUsers} from the rows of the straddling hours. */
    private static Map<Long, DistinctSketch> straddlingUsersFromRows(Connection connection, SummarySource source, Filters filters,
            DashboardSql sql, Span span, List<Instant> straddling) throws SQLException {
        Map<Long, DistinctSketch> users = new HashMap<>();
        List<Object> parameters = new ArrayList<>();
        List<String> hours = new ArrayList<>();
        for (Instant hour : straddling) {
            // each hour a range of its own, its bounds literals: PostgreSQL reads it through its
            // (key_id, created_at) index, DuckDB through the row groups it lies in (30 hours of
            // 10M rows: 70 ms where one disjunction of the ranges took 171 ms, bound ones twice that)
            parameters.add(source.keyId());
            hours.add(Summaries.userRowsSelect("key_id = ? AND "
                    + DashboardSql.within("created_at", List.<Instant[]>of(new Instant[] {hour, hour.plusSeconds(3600)}))
                    + filters.rowsSliceSql(parameters)));
        }
        String rows = "SELECT DISTINCT hour, quarter, " + DashboardSql.USER + " FROM (" + String.join(" UNION ALL ", hours)
                + ") straddling WHERE 1 = 1" + filters.sketchRowsSql(parameters);
        try (PreparedStatement select = connection.prepareStatement(rows)) {
            DashboardSql.bind(select, parameters);
            select.setFetchSize(10_000);
            Map<Long, DistinctSketch> usersByQuarter = new HashMap<>();
            try (ResultSet found = select.executeQuery()) {
                while (found.next()) {
                    String user = found.getString(3);
                    long start = found.getLong(1) + QUARTER_SECONDS * found.getInt(2);
                    usersByQuarter.computeIfAbsent(start, time -> bucketUsers(users, sql, span, Instant.ofEpochSecond(time))).add(user);
                }
            }
        }
        return users;
    }

    /** Adds the rows of one live part, not summarised, one by one. */
    private static void addLive(Connection connection, SummarySource.LivePart part, Filters filters, DashboardSql sql, Span span,
            boolean full, boolean byQuarter, Sketches sketches) throws SQLException {
        List<Object> parameters = new ArrayList<>(part.parameters());
        // the columns read, by name: DuckDB then computes only the slice values the filters name (all
        // seven, a regular expression among them, took 0.15 s for the last hour of 10M rows a month)
        String live = "SELECT hour, response_time, ip_address, user_id, quarter FROM ("
                + Summaries.sketchRowsSelect(part.where() + filters.rowsSliceSql(parameters)) + ") live WHERE 1 = 1"
                + filters.sketchRowsSql(parameters);
        try (PreparedStatement select = connection.prepareStatement(live)) {
            DashboardSql.bind(select, parameters);
            select.setFetchSize(10_000);
            // rows come in any order: each hour's (or quarter's) bucket is looked up once
            Map<Long, DistinctSketch> usersByTime = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String ip = rows.getString(3);
                    String userId = rows.getString(4);
                    sketches.ips.add(ip);
                    sketches.userIds.add(userId);
                    if (full) {
                        sketches.latency.add(rows.getDouble(2));
                        long start = rows.getLong(1) + (byQuarter ? QUARTER_SECONDS * rows.getInt(5) : 0);
                        usersByTime.computeIfAbsent(start, time -> sketches.usersAt(Instant.ofEpochSecond(time), sql, span))
                                .add(userId != null ? userId : ip);
                    }
                }
            }
        }
    }
}
