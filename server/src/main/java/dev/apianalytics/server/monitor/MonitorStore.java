package dev.apianalytics.server.monitor;

import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.storage.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Monitors and their pings, in the collector's database (same SQL on DuckDB and PostgreSQL). */
final class MonitorStore {

    static final List<String> KEY_OWNED_TABLES = List.of("monitor_pings", "monitors");

    static List<Migration> migrations() {
        return List.of(
                Migration.of("monitor-001-monitor-ids", "CREATE SEQUENCE IF NOT EXISTS monitor_ids START 1"),
                Migration.of("monitor-002-monitors", """
                        CREATE TABLE IF NOT EXISTS monitors (
                          monitor_id BIGINT PRIMARY KEY,
                          key_id BIGINT NOT NULL,
                          url VARCHAR NOT NULL,
                          method VARCHAR NOT NULL,
                          interval_seconds INTEGER NOT NULL,
                          timeout_ms INTEGER NOT NULL,
                          created_at TIMESTAMP NOT NULL,
                          next_ping_at TIMESTAMP NOT NULL
                        )"""),
                Migration.of("monitor-003-monitor-pings", """
                        CREATE TABLE IF NOT EXISTS monitor_pings (
                          key_id BIGINT NOT NULL,
                          monitor_id BIGINT NOT NULL,
                          created_at TIMESTAMP NOT NULL,
                          status SMALLINT NOT NULL,
                          response_time FLOAT8 NOT NULL,
                          up BOOLEAN NOT NULL,
                          failure VARCHAR
                        )"""),
                new Migration("monitor-004-pings-index", null,
                        "CREATE INDEX IF NOT EXISTS monitor_pings_monitor_time ON monitor_pings (monitor_id, created_at)"),
                new Migration("monitor-005-monitors-key", null,
                        "CREATE INDEX IF NOT EXISTS monitors_key ON monitors (key_id)"));
    }

    /** A registered URL. */
    record Monitor(long id, long keyId, String url, String method, int intervalSeconds, int timeoutMs, Instant createdAt,
            Instant nextPingAt) {}

    /** One stored ping. */
    record Ping(long monitorId, Instant at, int status, double responseTimeMs, boolean up, String failure) {}

    /** Pings of one monitor over one window. */
    record Window(long pings, long up, Double meanResponseTimeMs) {}

    /** One bucket of a monitor's series. */
    record Bucket(long index, long pings, long up, Double meanResponseTimeMs) {}

    private final Storage storage;

    MonitorStore(Storage storage) {
        this.storage = storage;
    }

    List<Monitor> list(long keyId) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT monitor_id, key_id, url, method, "
                        + "interval_seconds, timeout_ms, created_at, next_ping_at FROM monitors WHERE key_id = ? ORDER BY monitor_id")) {
            select.setLong(1, keyId);
            return monitors(select);
        }
    }

    /** Inserts a monitor, first due at {@code now}; the caller checked the limit and the input. */
    Monitor create(long keyId, String url, String method, int intervalSeconds, int timeoutMs, Instant now)
            throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO monitors (monitor_id, key_id, url, "
                        + "method, interval_seconds, timeout_ms, created_at, next_ping_at) "
                        + "VALUES (nextval('monitor_ids'), ?, ?, ?, ?, ?, ?, ?) RETURNING monitor_id")) {
            insert.setLong(1, keyId);
            insert.setString(2, url);
            insert.setString(3, method);
            insert.setInt(4, intervalSeconds);
            insert.setInt(5, timeoutMs);
            insert.setObject(6, utc(now));
            insert.setObject(7, utc(now));
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return new Monitor(rows.getLong(1), keyId, url, method, intervalSeconds, timeoutMs, now, now);
            }
        }
    }

    /** Deletes a key's monitor and its pings; false when the key has no such monitor. */
    boolean delete(long keyId, long monitorId) throws SQLException {
        try (Connection connection = storage.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement pings = connection.prepareStatement(
                            "DELETE FROM monitor_pings WHERE key_id = ? AND monitor_id = ?");
                    PreparedStatement monitor = connection.prepareStatement(
                            "DELETE FROM monitors WHERE key_id = ? AND monitor_id = ?")) {
                pings.setLong(1, keyId);
                pings.setLong(2, monitorId);
                pings.executeUpdate();
                monitor.setLong(1, keyId);
                monitor.setLong(2, monitorId);
                boolean deleted = monitor.executeUpdate() > 0;
                connection.commit();
                return deleted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Monitors whose next ping is due at {@code now}, earliest first: at most {@code perKey} of
     * each key, none of {@code skipKeys}.
     */
    List<Monitor> due(Instant now, int limit, int perKey, Set<Long> skipKeys) throws SQLException {
        String skip = skipKeys.isEmpty() ? "" : " AND key_id NOT IN (" + String.join(", ", Collections.nCopies(skipKeys.size(), "?")) + ")";
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT monitor_id, key_id, url, method, "
                        + "interval_seconds, timeout_ms, created_at, next_ping_at FROM (SELECT monitor_id, key_id, url, "
                        + "method, interval_seconds, timeout_ms, created_at, next_ping_at, row_number() OVER (PARTITION BY "
                        + "key_id ORDER BY next_ping_at, monitor_id) AS r FROM monitors WHERE next_ping_at <= ?" + skip
                        + ") due WHERE r <= " + perKey + " ORDER BY next_ping_at, monitor_id LIMIT " + limit)) {
            select.setObject(1, utc(now));
            int i = 2;
            for (long key : skipKeys) {
                select.setLong(i++, key);
            }
            return monitors(select);
        }
    }

    /**
     * Moves a due monitor's next ping to {@code next}, only if no one else did since it was read:
     * several collectors sharing PostgreSQL ping each URL once per interval.
     */
    boolean claim(Monitor monitor, Instant next) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE monitors SET next_ping_at = ? WHERE monitor_id = ? AND next_ping_at = ?")) {
            update.setObject(1, utc(next));
            update.setLong(2, monitor.id());
            update.setObject(3, utc(monitor.nextPingAt()));
            return update.executeUpdate() == 1;
        }
    }

    void record(Monitor monitor, Instant at, PingResult result) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO monitor_pings (key_id, monitor_id, "
                        + "created_at, status, response_time, up, failure) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, monitor.keyId());
            insert.setLong(2, monitor.id());
            insert.setObject(3, utc(at));
            insert.setShort(4, (short) result.status());
            insert.setDouble(5, result.responseTimeMs());
            insert.setBoolean(6, result.up());
            insert.setString(7, result.failure());
            insert.executeUpdate();
        }
    }

    /** Deletes pings of monitors that no longer exist (deleted while a ping was in flight). */
    long deleteOrphans() throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM monitor_pings WHERE monitor_id NOT IN "
                        + "(SELECT monitor_id FROM monitors)")) {
            return delete.executeLargeUpdate();
        }
    }

    long deletePingsBefore(Instant cutoff) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM monitor_pings WHERE created_at < ?")) {
            delete.setObject(1, utc(cutoff));
            return delete.executeLargeUpdate();
        }
    }

    /** Per monitor of the key: pings, pings up and mean response time since {@code from}. */
    Map<Long, Window> window(long keyId, Instant from) throws SQLException {
        Map<Long, Window> windows = new LinkedHashMap<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT monitor_id, count(*), "
                        + "sum(CASE WHEN up THEN 1 ELSE 0 END), avg(response_time) FILTER (WHERE status > 0) "
                        + "FROM monitor_pings WHERE key_id = ? AND created_at >= ? GROUP BY monitor_id")) {
            select.setLong(1, keyId);
            select.setObject(2, utc(from));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    windows.put(rows.getLong(1), new Window(rows.getLong(2), rows.getLong(3), Storage.nullableDouble(rows, 4)));
                }
            }
        }
        return windows;
    }

    /** Per monitor of the key: buckets of {@code bucketSeconds} since {@code from}, by epoch-aligned index. */
    Map<Long, List<Bucket>> series(long keyId, Instant from, long bucketSeconds) throws SQLException {
        Map<Long, List<Bucket>> series = new LinkedHashMap<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT monitor_id, CAST(floor(extract(epoch FROM "
                        + "created_at) / " + bucketSeconds + ") AS BIGINT) AS b, count(*), sum(CASE WHEN up THEN 1 ELSE 0 END), "
                        + "avg(response_time) FILTER (WHERE status > 0) FROM monitor_pings WHERE key_id = ? AND created_at >= ? "
                        + "GROUP BY 1, 2 ORDER BY 1, 2")) {
            select.setLong(1, keyId);
            select.setObject(2, utc(from));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    series.computeIfAbsent(rows.getLong(1), id -> new ArrayList<>()).add(
                            new Bucket(rows.getLong(2), rows.getLong(3), rows.getLong(4), Storage.nullableDouble(rows, 5)));
                }
            }
        }
        return series;
    }

    /** The latest {@code perMonitor} pings of each monitor of the key since {@code from}, newest first. */
    Map<Long, List<Ping>> latest(long keyId, Instant from, int perMonitor, boolean failuresOnly) throws SQLException {
        Map<Long, List<Ping>> latest = new LinkedHashMap<>();
        String text = "SELECT monitor_id, created_at, status, response_time, up, failure FROM (SELECT monitor_id, "
                + "created_at, status, response_time, up, failure, row_number() OVER (PARTITION BY monitor_id ORDER BY "
                + "created_at DESC) AS r FROM monitor_pings WHERE key_id = ? AND created_at >= ?"
                + (failuresOnly ? " AND NOT up" : "") + ") ranked WHERE r <= " + perMonitor + " ORDER BY monitor_id, created_at DESC";
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement(text)) {
            select.setLong(1, keyId);
            select.setObject(2, utc(from));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    latest.computeIfAbsent(rows.getLong(1), id -> new ArrayList<>()).add(new Ping(rows.getLong(1),
                            Storage.instant(rows, 2), rows.getInt(3), rows.getDouble(4), rows.getBoolean(5), rows.getString(6)));
                }
            }
        }
        return latest;
    }

    /** All pings of one monitor, oldest first (for tests and tools). */
    List<Ping> pings(long monitorId) throws SQLException {
        List<Ping> pings = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT monitor_id, created_at, status, response_time, "
                        + "up, failure FROM monitor_pings WHERE monitor_id = ? ORDER BY created_at")) {
            select.setLong(1, monitorId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pings.add(new Ping(rows.getLong(1), Storage.instant(rows, 2), rows.getInt(3), rows.getDouble(4),
                            rows.getBoolean(5), rows.getString(6)));
                }
            }
        }
        return pings;
    }

    private static List<Monitor> monitors(PreparedStatement select) throws SQLException {
        List<Monitor> monitors = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                monitors.add(new Monitor(rows.getLong(1), rows.getLong(2), rows.getString(3), rows.getString(4),
                        rows.getInt(5), rows.getInt(6), Storage.instant(rows, 7), Storage.instant(rows, 8)));
            }
        }
        return monitors;
    }

    /** The database keeps microseconds; truncating here keeps claims' equality checks exact. */
    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
