package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.SummarySource.Filters;
import dev.apianalytics.server.storage.PostgresStorage;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.DistinctSketch;
import dev.apianalytics.server.summary.LatencyHistogram;
import dev.apianalytics.server.summary.Summaries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
            return bucketUsers.computeIfAbsent(SummaryAggregator.bucketIndex(sql, span, hour), i -> new DistinctSketch());
        }
    }

    /**
     * Merges the stored sketches and those of the live rows; {@code full} adds latency and users per
     * bucket, {@code byQuarter} counts those users per quarter hour (zones offset by 30 or 45 minutes).
     */
    static Sketches read(Connection connection, SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full, boolean byQuarter) throws SQLException {
        Sketches sketches = new Sketches();
        mergeStored(connection, source, filters, sql, span, full, byQuarter, sketches);
        if (full && byQuarter) {
            mergeQuarterUsers(connection, source, filters, sql, span, sketches);
        }
        for (Instant[] range : source.liveRanges()) {
            addLive(connection, source.keyId(), range, filters, sql, span, full, byQuarter, sketches);
        }
        return sketches;
    }

    private static void mergeStored(Connection connection, SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full, boolean byQuarter, Sketches sketches) throws SQLException {
        boolean hourlyUsers = full && !byQuarter;
        String columns = full ? "hour, ips, user_ids, latency" + (hourlyUsers ? ", users" : "") : "hour, ips, user_ids";
        List<Object> parameters = new ArrayList<>(List.of(source.keyId(), Storage.utc(source.summarisedFrom()),
                Storage.utc(source.summarisedTo())));
        String table = filters.table("rollup_sketches");
        String stored = "SELECT " + columns + " FROM " + table + " WHERE key_id = ? AND hour >= ? AND hour < ?"
                + filters.sql(table, parameters);
        try (PreparedStatement select = connection.prepareStatement(stored)) {
            PostgresStorage.preferBinaryResults(select);
            DashboardSql.bind(select, parameters);
            select.setFetchSize(1_000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sketches.ips.merge(DistinctSketch.fromBytes(rows.getBytes(2)));
                    sketches.userIds.merge(DistinctSketch.fromBytes(rows.getBytes(3)));
                    if (full) {
                        sketches.latency.merge(LatencyHistogram.fromBytes(rows.getBytes(4)));
                    }
                    if (hourlyUsers) {
                        sketches.usersAt(Storage.instant(rows, 1), sql, span).merge(DistinctSketch.fromBytes(rows.getBytes(5)));
                    }
                }
            }
        }
    }

    /** The users of each activity bucket from the stored quarter hours. */
    private static void mergeQuarterUsers(Connection connection, SummarySource source, Filters filters, DashboardSql sql,
            Span span, Sketches sketches) throws SQLException {
        List<Object> parameters = new ArrayList<>(List.of(source.keyId(), Storage.utc(source.summarisedFrom()),
                Storage.utc(source.summarisedTo())));
        String stored = "SELECT hour, quarter, users FROM rollup_quarter_users WHERE key_id = ? AND hour >= ? AND hour < ?"
                + filters.sql("rollup_quarter_users", parameters);
        try (PreparedStatement select = connection.prepareStatement(stored)) {
            PostgresStorage.preferBinaryResults(select);
            DashboardSql.bind(select, parameters);
            select.setFetchSize(1_000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant quarter = Storage.instant(rows, 1).plusSeconds(QUARTER_SECONDS * rows.getInt(2));
                    sketches.usersAt(quarter, sql, span).merge(DistinctSketch.fromBytes(rows.getBytes(3)));
                }
            }
        }
    }

    private static final long QUARTER_SECONDS = 900;

    /** Adds the rows of one range not yet summarised, one by one. */
    private static void addLive(Connection connection, long keyId, Instant[] range, Filters filters, DashboardSql sql, Span span,
            boolean full, boolean byQuarter, Sketches sketches) throws SQLException {
        List<Object> parameters = new ArrayList<>(List.of(keyId, Storage.utc(range[0]), Storage.utc(range[1])));
        String live = "SELECT * FROM (" + Summaries.sketchRowsSelect(SummarySource.LIVE_WHERE) + ") live WHERE 1 = 1"
                + filters.sketchRowsSql(parameters);
        try (PreparedStatement select = connection.prepareStatement(live)) {
            DashboardSql.bind(select, parameters);
            select.setFetchSize(10_000);
            // rows come in any order: each hour's (or quarter's) bucket is looked up once
            Map<Long, DistinctSketch> usersByTime = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String ip = rows.getString(7);
                    String userId = rows.getString(8);
                    sketches.ips.add(ip);
                    sketches.userIds.add(userId);
                    if (full) {
                        sketches.latency.add(rows.getDouble(6));
                        long start = rows.getLong(2) + (byQuarter ? QUARTER_SECONDS * rows.getInt(9) : 0);
                        usersByTime.computeIfAbsent(start, time -> sketches.usersAt(Instant.ofEpochSecond(time), sql, span))
                                .add(userId != null ? userId : ip);
                    }
                }
            }
        }
    }
}
