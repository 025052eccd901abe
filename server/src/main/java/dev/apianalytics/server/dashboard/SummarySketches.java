package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.SummarySource.Filters;
import dev.apianalytics.server.rollup.DistinctSketch;
import dev.apianalytics.server.rollup.LatencyHistogram;
import dev.apianalytics.server.rollup.Rollups;
import dev.apianalytics.server.storage.PostgresStorage;
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
    }

    /** Merges the stored sketches and those of the live rows; {@code full} adds latency and users per bucket. */
    static Sketches read(Connection connection, SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full) throws SQLException {
        Sketches sketches = new Sketches();
        String columns = full ? "hour, ips, user_ids, latency, users" : "hour, ips, user_ids";
        List<Object> storedParameters = new ArrayList<>(List.of(source.keyId(), DashboardSql.utc(source.summarisedFrom()),
                DashboardSql.utc(source.summarisedTo())));
        String stored = "SELECT " + columns + " FROM rollup_sketches WHERE key_id = ? AND hour >= ? AND hour < ?"
                + filters.sql("rollup_sketches", storedParameters);
        try (PreparedStatement select = connection.prepareStatement(stored)) {
            PostgresStorage.preferBinaryResults(select);
            DashboardSql.bind(select, storedParameters);
            select.setFetchSize(1_000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    sketches.ips.merge(DistinctSketch.fromBytes(rows.getBytes(2)));
                    sketches.userIds.merge(DistinctSketch.fromBytes(rows.getBytes(3)));
                    if (full) {
                        sketches.latency.merge(LatencyHistogram.fromBytes(rows.getBytes(4)));
                        sketches.bucketUsers.computeIfAbsent(SummaryAggregator.bucketIndex(sql, span, SummaryAggregator.instant(rows, 1)), i -> new DistinctSketch())
                                .merge(DistinctSketch.fromBytes(rows.getBytes(5)));
                    }
                }
            }
        }
        for (Instant[] range : source.liveRanges()) {
            List<Object> liveParameters = new ArrayList<>(List.of(source.keyId(), DashboardSql.utc(range[0]),
                    DashboardSql.utc(range[1])));
            String live = "SELECT * FROM (" + Rollups.sketchRowsSelect(SummarySource.LIVE_WHERE) + ") live WHERE 1 = 1"
                    + filters.sql("rollup_sketches", liveParameters);
            try (PreparedStatement select = connection.prepareStatement(live)) {
                DashboardSql.bind(select, liveParameters);
                select.setFetchSize(10_000);
                Map<Long, DistinctSketch> usersByHour = new HashMap<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String ip = rows.getString(7);
                        String userId = rows.getString(8);
                        sketches.ips.add(ip);
                        sketches.userIds.add(userId);
                        if (full) {
                            sketches.latency.add(rows.getDouble(6));
                            long hour = rows.getLong(2);
                            usersByHour.computeIfAbsent(hour, h -> sketches.bucketUsers.computeIfAbsent(
                                    SummaryAggregator.bucketIndex(sql, span, Instant.ofEpochSecond(h)), i -> new DistinctSketch()))
                                    .add(userId != null ? userId : ip);
                        }
                    }
                }
            }
        }
        return sketches;
    }
}
