package dev.apianalytics.server.rollup;

import dev.apianalytics.server.storage.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps {@link Rollups} up to date: summarises every hour once it is {@link #LAG} old, a day of
 * hours per transaction (so the first run over an existing database catches up in steps), then
 * redoes the hours that received late rows. Each transaction runs under
 * {@link Storage#maintain}, so it never races a deletion, and on PostgreSQL only one collector
 * does the work.
 */
public final class RollupJob {

    /**
     * How old an hour's end must be before it is summarised: well past
     * {@link Storage#LATE_AFTER}, so that a row inserted in time but committed slowly is
     * still seen by its hour's summary.
     */
    public static final Duration LAG = Storage.LATE_AFTER.multipliedBy(3);

    private static final Duration CHUNK = Duration.ofDays(1);
    private static final int LATE_HOURS_PER_TRANSACTION = 200;
    private static final System.Logger LOG = System.getLogger(RollupJob.class.getName());

    private final Storage storage;
    private final Clock clock;

    public RollupJob(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /** Until when every hour is summarised (exclusive), or null before the first run. */
    public static Instant rolledUntil(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT rolled_until FROM rollup_progress WHERE id = 1");
                ResultSet rows = select.executeQuery()) {
            return rows.next() ? Storage.instant(rows, 1) : null;
        }
    }

    /** Summarises what is due; returns until when every hour is summarised. */
    public Instant run() throws SQLException {
        Instant target = clock.instant().minus(LAG).truncatedTo(ChronoUnit.HOURS);
        Instant until;
        do {
            until = storage.maintain(connection -> step(connection, target));
        } while (until.isBefore(target));
        while (storage.maintain(RollupJob::redoLateHours) == LATE_HOURS_PER_TRANSACTION) {
            // more late hours than one transaction takes: go on
        }
        return until;
    }

    /** Summarises up to a day of the hours before {@code target}; returns the new progress. */
    private static Instant step(Connection connection, Instant target) throws SQLException {
        Instant from = rolledUntil(connection);
        if (from == null) {
            // the first run summarises every row there is: earlier late marks are moot
            try (PreparedStatement clear = connection.prepareStatement("DELETE FROM late_hours")) {
                clear.executeUpdate();
            }
            Instant first = firstRequest(connection);
            from = first == null ? target : first.truncatedTo(ChronoUnit.HOURS);
        }
        if (!from.isBefore(target)) {
            saveProgress(connection, from);
            return from;
        }
        Instant to = from.plus(CHUNK).isBefore(target) ? from.plus(CHUNK) : target;
        summarise(connection, "created_at >= ? AND created_at < ?", List.of(Storage.utc(from), Storage.utc(to)));
        saveProgress(connection, to);
        return to;
    }

    /**
     * Redoes the summarised hours marked late; the marks are claimed first, so a late row
     * committed meanwhile marks its hour again and is picked up next time.
     */
    private static int redoLateHours(Connection connection) throws SQLException {
        Instant rolled = rolledUntil(connection);
        if (rolled == null) {
            return 0;
        }
        Set<KeyHour> late = new LinkedHashSet<>();
        // DELETE ... RETURNING claims exactly the marks it removes
        try (PreparedStatement claim = connection.prepareStatement("DELETE FROM late_hours WHERE hour < ? RETURNING key_id, hour")) {
            claim.setObject(1, Storage.utc(rolled));
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    late.add(new KeyHour(rows.getLong(1), rows.getObject(2, LocalDateTime.class)));
                }
            }
        }
        int redone = 0;
        List<KeyHour> hours = new ArrayList<>(late);
        for (KeyHour hour : hours) {
            if (redone == LATE_HOURS_PER_TRANSACTION) {
                reMark(connection, hours.subList(redone, hours.size()));
                break;
            }
            for (String table : Rollups.TABLES) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE key_id = ? AND hour = ?")) {
                    delete.setLong(1, hour.keyId());
                    delete.setObject(2, hour.hour());
                    delete.executeUpdate();
                }
            }
            summarise(connection, "key_id = ? AND created_at >= ? AND created_at < ?",
                    List.of(hour.keyId(), hour.hour(), hour.hour().plusHours(1)));
            redone++;
        }
        if (redone > 0) {
            LOG.log(System.Logger.Level.DEBUG, "rollups: redid " + redone + " hour(s) that received late rows");
        }
        return redone;
    }

    private static void reMark(Connection connection, List<KeyHour> hours) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO late_hours (key_id, hour) VALUES (?, ?)")) {
            for (KeyHour hour : hours) {
                insert.setLong(1, hour.keyId());
                insert.setObject(2, hour.hour());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private record KeyHour(long keyId, LocalDateTime hour) {}

    /** Stores the summaries of the requests matching {@code where} (in whole hours). */
    static void summarise(Connection connection, String where, List<Object> parameters) throws SQLException {
        insert(connection, "INSERT INTO rollup_endpoints (key_id, hour, hostname, bot, status, method, endpoint, requests, "
                + "time_sum) " + Rollups.endpointsSelect(where), parameters, 1);
        insert(connection, "INSERT INTO rollup_values (key_id, hour, hostname, bot, not_found, dimension, value, requests) "
                + Rollups.valuesSelect(where), parameters, Rollups.VALUES_WHERE_COUNT);
        insert(connection, "INSERT INTO rollup_top_users (key_id, hour, hostname, bot, not_found, user_key, requests, "
                + "successes, last_seen) " + Rollups.usersSelect(where, Rollups.TOP_USERS_PER_HOUR), parameters, 1);
        // rows in key and hour order, so that one key's hour is in memory at a time however many keys there are
        try (PreparedStatement select = connection.prepareStatement(Rollups.sketchRowsSelect(where) + " ORDER BY 1, 2");
                PreparedStatement insert = connection.prepareStatement("INSERT INTO rollup_sketches (key_id, hour, "
                        + "hostname, bot, not_found, latency, ips, user_ids, users) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(select, parameters, 1);
            select.setFetchSize(10_000);
            Map<Split, HourSketches> hour = new HashMap<>();
            long currentKey = 0;
            long currentHour = Long.MIN_VALUE;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long keyId = rows.getLong(1);
                    long epochHour = rows.getLong(2);
                    if (keyId != currentKey || epochHour != currentHour) {
                        store(insert, hour);
                        currentKey = keyId;
                        currentHour = epochHour;
                    }
                    Split split = new Split(keyId, LocalDateTime.ofEpochSecond(epochHour, 0, ZoneOffset.UTC), rows.getString(3),
                            rows.getBoolean(4), rows.getBoolean(5));
                    hour.computeIfAbsent(split, s -> new HourSketches()).add(rows.getDouble(6), rows.getString(7), rows.getString(8));
                }
            }
            store(insert, hour);
        }
    }

    /** Inserts one key's hour of sketches and forgets them. */
    private static void store(PreparedStatement insert, Map<Split, HourSketches> hour) throws SQLException {
        if (hour.isEmpty()) {
            return;
        }
        for (Map.Entry<Split, HourSketches> entry : hour.entrySet()) {
            Split split = entry.getKey();
            HourSketches sketches = entry.getValue();
            insert.setLong(1, split.keyId());
            insert.setObject(2, split.hour());
            insert.setString(3, split.hostname());
            insert.setBoolean(4, split.bot());
            insert.setBoolean(5, split.notFound());
            insert.setBytes(6, sketches.latency.toBytes());
            insert.setBytes(7, sketches.ips.toBytes());
            insert.setBytes(8, sketches.userIds.toBytes());
            insert.setBytes(9, sketches.users.toBytes());
            insert.addBatch();
        }
        insert.executeBatch();
        hour.clear();
    }

    /** One hour of one key, split as the summaries are. */
    private record Split(long keyId, LocalDateTime hour, String hostname, boolean bot, boolean notFound) {}

    /** The mergeable summaries of one split. */
    private static final class HourSketches {
        final LatencyHistogram latency = new LatencyHistogram();
        final DistinctSketch ips = new DistinctSketch();
        final DistinctSketch userIds = new DistinctSketch();
        final DistinctSketch users = new DistinctSketch();

        void add(double responseTime, String ip, String userId) {
            latency.add(responseTime);
            ips.add(ip);
            userIds.add(userId);
            users.add(userId != null ? userId : ip);
        }
    }

    private static void insert(Connection connection, String sql, List<Object> parameters, int repeat) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            bind(insert, parameters, repeat);
            insert.executeUpdate();
        }
    }

    /** Binds {@code parameters} {@code repeat} times over, for SQL whose WHERE clause appears that often. */
    private static void bind(PreparedStatement statement, List<Object> parameters, int repeat) throws SQLException {
        List<Object> repeated = new ArrayList<>(parameters.size() * repeat);
        for (int r = 0; r < repeat; r++) {
            repeated.addAll(parameters);
        }
        Storage.bind(statement, repeated);
    }

    private static Instant firstRequest(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT min(created_at) FROM requests");
                ResultSet rows = select.executeQuery()) {
            return rows.next() ? Storage.instant(rows, 1) : null;
        }
    }

    private static void saveProgress(Connection connection, Instant until) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE rollup_progress SET rolled_until = ? WHERE id = 1")) {
            update.setObject(1, Storage.utc(until));
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rollup_progress (id, rolled_until) VALUES (1, ?)")) {
            insert.setObject(1, Storage.utc(until));
            insert.executeUpdate();
        }
    }
}
