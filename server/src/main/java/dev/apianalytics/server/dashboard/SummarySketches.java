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

    /** Merges the stored sketches and those of the live rows; {@code full} adds latency and users per bucket. */
    static Sketches read(Connection connection, SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full) throws SQLException {
        Sketches sketches = new Sketches();
        mergeStored(connection, source, filters, sql, span, full, sketches);
        for (Instant[] range : source.liveRanges()) {
            addLive(connection, source.keyId(), range, filters, sql, span, full, sketches);
        }
        return sketches;
    }

    private static void mergeStored(Connection connection, SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full, Sketches sketches) throws SQLException {
        String columns = full ? "hour, ips, user_ids, latency, users" : "hour, ips, user_ids";
        List<Object> parameters = new ArrayList<>(List.of(source.keyId(), Storage.utc(source.summarisedFrom()),
                Storage.utc(source.summarisedTo())));
        String stored = "SELECT " + columns + " FROM rollup_sketches WHERE key_id = ? AND hour >= ? AND hour < ?"
                + filters.sql("rollup_sketches", parameters);
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
                        sketches.usersAt(Storage.instant(rows, 1), sql, span).merge(DistinctSketch.fromBytes(rows.getBytes(5)));
                    }
                }
            }
        }
    }

    /** Adds the rows of one range not yet summarised, one by one. */
    private static void addLive(Connection connection, long keyId, Instant[] range, Filters filters, DashboardSql sql, Span span,
            boolean full, Sketches sketches) throws SQLException {
        List<Object> parameters = new ArrayList<>(List.of(keyId, Storage.utc(range[0]), Storage.utc(range[1])));
        String live = "SELECT * FROM (" + Summaries.sketchRowsSelect(SummarySource.LIVE_WHERE) + ") live WHERE 1 = 1"
                + filters.sql("rollup_sketches", parameters);
        try (PreparedStatement select = connection.prepareStatement(live)) {
            DashboardSql.bind(select, parameters);
            select.setFetchSize(10_000);
            // rows come in any order: each hour's bucket is looked up once
            Map<Long, DistinctSketch> usersByHour = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String ip = rows.getString(7);
                    String userId = rows.getString(8);
                    sketches.ips.add(ip);
                    sketches.userIds.add(userId);
                    if (full) {
                        sketches.latency.add(rows.getDouble(6));
                        usersByHour.computeIfAbsent(rows.getLong(2), hour -> sketches.usersAt(Instant.ofEpochSecond(hour), sql, span))
                                .add(userId != null ? userId : ip);
                    }
                }
            }
        }
    }
}
