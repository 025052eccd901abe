package dev.apianalytics.server.alert;

import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.storage.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Alert destinations, rules, incident states and deliveries, in the collector's database (same
 * SQL on DuckDB and PostgreSQL). Incident states and pending deliveries live here, not in memory,
 * so a restart neither forgets nor repeats an alert, and collectors sharing PostgreSQL claim each
 * change and each delivery attempt with an atomic update that only one of them wins.
 */
final class AlertStore {

    static final List<String> KEY_OWNED_TABLES = List.of("alert_attempts", "alert_deliveries", "alert_incidents",
            "alert_rules", "alert_destinations");

    static List<Migration> migrations() {
        return List.of(
                Migration.of("alert-001-ids", "CREATE SEQUENCE IF NOT EXISTS alert_ids START 1"),
                Migration.of("alert-002-destinations", """
                        CREATE TABLE IF NOT EXISTS alert_destinations (
                          destination_id BIGINT PRIMARY KEY,
                          key_id BIGINT NOT NULL,
                          url VARCHAR NOT NULL,
                          format VARCHAR NOT NULL,
                          created_at TIMESTAMP NOT NULL
                        )"""),
                Migration.of("alert-003-rules", """
                        CREATE TABLE IF NOT EXISTS alert_rules (
                          key_id BIGINT PRIMARY KEY,
                          down_after INTEGER NOT NULL,
                          error_rate FLOAT8,
                          p95_ms FLOAT8
                        )"""),
                Migration.of("alert-004-incidents", """
                        CREATE TABLE IF NOT EXISTS alert_incidents (
                          key_id BIGINT NOT NULL,
                          subject VARCHAR NOT NULL,
                          firing BOOLEAN NOT NULL,
                          changed_at TIMESTAMP NOT NULL,
                          PRIMARY KEY (key_id, subject)
                        )"""),
                Migration.of("alert-005-deliveries", """
                        CREATE TABLE IF NOT EXISTS alert_deliveries (
                          delivery_id BIGINT PRIMARY KEY,
                          key_id BIGINT NOT NULL,
                          destination_id BIGINT NOT NULL,
                          event VARCHAR NOT NULL,
                          summary VARCHAR NOT NULL,
                          payload VARCHAR NOT NULL,
                          created_at TIMESTAMP NOT NULL,
                          state VARCHAR NOT NULL,
                          attempts INTEGER NOT NULL,
                          next_attempt_at TIMESTAMP NOT NULL
                        )"""),
                Migration.of("alert-006-attempts", """
                        CREATE TABLE IF NOT EXISTS alert_attempts (
                          key_id BIGINT NOT NULL,
                          delivery_id BIGINT NOT NULL,
                          attempted_at TIMESTAMP NOT NULL,
                          status INTEGER NOT NULL,
                          error VARCHAR
                        )"""),
                new Migration("alert-007-deliveries-due", null,
                        "CREATE INDEX IF NOT EXISTS alert_deliveries_due ON alert_deliveries (state, next_attempt_at)"));
    }

    record Destination(long id, long keyId, String url, Format format, Instant createdAt) {}

    /** A key's rules; {@code errorRate} and {@code p95Ms} are null when that rule is off. */
    record Rules(int downAfter, Double errorRate, Double p95Ms) {}

    record Delivery(long id, long keyId, long destinationId, String event, String summary, String payload, Instant createdAt,
            String state, int attempts, Instant nextAttemptAt) {}

    record Attempt(long deliveryId, Instant at, int status, String error) {}

    private final Storage storage;

    AlertStore(Storage storage) {
        this.storage = storage;
    }

    List<Destination> destinations(long keyId) throws SQLException {
        List<Destination> destinations = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT destination_id, key_id, url, format, created_at "
                        + "FROM alert_destinations WHERE key_id = ? ORDER BY destination_id")) {
            select.setLong(1, keyId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    destinations.add(new Destination(rows.getLong(1), rows.getLong(2), rows.getString(3),
                            Format.parse(rows.getString(4)), Storage.instant(rows, 5)));
                }
            }
        }
        return destinations;
    }

    Destination addDestination(long keyId, String url, Format format, Instant now) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO alert_destinations (destination_id, key_id, "
                        + "url, format, created_at) VALUES (nextval('alert_ids'), ?, ?, ?, ?) RETURNING destination_id")) {
            insert.setLong(1, keyId);
            insert.setString(2, url);
            insert.setString(3, format.spelling);
            insert.setObject(4, utc(now));
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return new Destination(rows.getLong(1), keyId, url, format, now);
            }
        }
    }

    /** Deletes a key's destination with its deliveries; false when the key has no such destination. */
    boolean deleteDestination(long keyId, long destinationId) throws SQLException {
        try (Connection connection = storage.connection()) {
            connection.setAutoCommit(false);
            try {
                execute(connection, "DELETE FROM alert_attempts WHERE key_id = ? AND delivery_id IN (SELECT delivery_id FROM "
                        + "alert_deliveries WHERE destination_id = ?)", keyId, destinationId);
                execute(connection, "DELETE FROM alert_deliveries WHERE key_id = ? AND destination_id = ?", keyId, destinationId);
                boolean deleted = execute(connection, "DELETE FROM alert_destinations WHERE key_id = ? AND destination_id = ?",
                        keyId, destinationId) > 0;
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

    Rules rules(long keyId, int defaultDownAfter) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT down_after, error_rate, p95_ms FROM alert_rules WHERE key_id = ?")) {
            select.setLong(1, keyId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? new Rules(rows.getInt(1), Storage.nullableDouble(rows, 2), Storage.nullableDouble(rows, 3))
                        : new Rules(defaultDownAfter, null, null);
            }
        }
    }

    void setRules(long keyId, Rules rules) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement upsert = connection.prepareStatement("INSERT INTO alert_rules (key_id, down_after, error_rate, "
                        + "p95_ms) VALUES (?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET down_after = excluded.down_after, "
                        + "error_rate = excluded.error_rate, p95_ms = excluded.p95_ms")) {
            upsert.setLong(1, keyId);
            upsert.setInt(2, rules.downAfter());
            setNullable(upsert, 3, rules.errorRate());
            setNullable(upsert, 4, rules.p95Ms());
            upsert.executeUpdate();
        }
    }

    /** Keys with at least one destination and a traffic rule (error rate or p95) turned on. */
    List<Long> keysWithTrafficRules() throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT r.key_id FROM alert_rules r WHERE (r.error_rate "
                        + "IS NOT NULL OR r.p95_ms IS NOT NULL) AND EXISTS (SELECT 1 FROM alert_destinations d WHERE d.key_id = "
                        + "r.key_id) ORDER BY r.key_id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                keys.add(rows.getLong(1));
            }
        }
        return keys;
    }

    /** {@code [keyId, monitorId]} of every monitor whose key has a destination. */
    List<long[]> monitorsWithDestinations() throws SQLException {
        List<long[]> monitors = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT m.key_id, m.monitor_id FROM monitors m WHERE "
                        + "EXISTS (SELECT 1 FROM alert_destinations d WHERE d.key_id = m.key_id) ORDER BY m.monitor_id");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                monitors.add(new long[] {rows.getLong(1), rows.getLong(2)});
            }
        }
        return monitors;
    }

    /** The monitor's URL, if the key still has it. */
    Optional<String> monitorUrl(long keyId, long monitorId) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT url FROM monitors WHERE key_id = ? AND monitor_id = ?")) {
            select.setLong(1, keyId);
            select.setLong(2, monitorId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /** Whether each of the monitor's latest {@code count} pings was up, newest first. */
    List<Boolean> latestPings(long monitorId, int count) throws SQLException {
        List<Boolean> up = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT up FROM monitor_pings WHERE monitor_id = ? "
                        + "ORDER BY created_at DESC LIMIT " + count)) {
            select.setLong(1, monitorId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    up.add(rows.getBoolean(1));
                }
            }
        }
        return up;
    }

    /** {@code [requests, 5xx]} of the key since {@code from}. */
    long[] errorCounts(long keyId, Instant from) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*), coalesce(sum(CASE WHEN status >= 500 "
                        + "THEN 1 ELSE 0 END), 0) FROM requests WHERE key_id = ? AND created_at >= ?")) {
            select.setLong(1, keyId);
            select.setObject(2, utc(from));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong(1), rows.getLong(2)};
            }
        }
    }

    /** The key's 95th percentile response time since {@code from} and the requests it is over. */
    double[] p95(long keyId, Instant from) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*), percentile_cont(0.95) WITHIN GROUP "
                        + "(ORDER BY response_time) FROM requests WHERE key_id = ? AND created_at >= ?")) {
            select.setLong(1, keyId);
            select.setObject(2, utc(from));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                Double p95 = Storage.nullableDouble(rows, 2);
                return new double[] {rows.getLong(1), p95 == null ? 0 : p95};
            }
        }
    }

    /**
     * Moves the subject's incident to {@code firing} and queues {@code payloads} (one per
     * destination) in one transaction, only when this call made the change: a subject never
     * seen starts as not firing, and of collectors racing for one change exactly one updates
     * the row. Returns whether this call made the change.
     */
    boolean transition(long keyId, String subject, boolean firing, Instant now, List<Queued> payloads) throws SQLException {
        try (Connection connection = storage.connection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO alert_incidents (key_id, subject, "
                        + "firing, changed_at) VALUES (?, ?, FALSE, ?) ON CONFLICT (key_id, subject) DO NOTHING")) {
                    insert.setLong(1, keyId);
                    insert.setString(2, subject);
                    insert.setObject(3, utc(now));
                    insert.executeUpdate();
                }
                int changed;
                try (PreparedStatement update = connection.prepareStatement("UPDATE alert_incidents SET firing = ?, "
                        + "changed_at = ? WHERE key_id = ? AND subject = ? AND firing = ?")) {
                    update.setBoolean(1, firing);
                    update.setObject(2, utc(now));
                    update.setLong(3, keyId);
                    update.setString(4, subject);
                    update.setBoolean(5, !firing);
                    changed = update.executeUpdate();
                }
                if (changed == 1) {
                    try (PreparedStatement queue = connection.prepareStatement("INSERT INTO alert_deliveries (delivery_id, "
                            + "key_id, destination_id, event, summary, payload, created_at, state, attempts, next_attempt_at) "
                            + "VALUES (nextval('alert_ids'), ?, ?, ?, ?, ?, ?, 'pending', 0, ?)")) {
                        for (Queued queued : payloads) {
                            queue.setLong(1, keyId);
                            queue.setLong(2, queued.destinationId());
                            queue.setString(3, queued.event());
                            queue.setString(4, queued.summary());
                            queue.setString(5, queued.payload());
                            queue.setObject(6, utc(now));
                            queue.setObject(7, utc(now));
                            queue.executeUpdate();
                        }
                    }
                }
                connection.commit();
                return changed == 1;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** A delivery to queue with a transition. */
    record Queued(long destinationId, String event, String summary, String payload) {}

    /** Whether the subject's incident is firing now (false when never seen). */
    boolean firing(long keyId, String subject) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT firing FROM alert_incidents WHERE key_id = ? AND subject = ?")) {
            select.setLong(1, keyId);
            select.setString(2, subject);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    /** Pending deliveries due at {@code now}, oldest first, with their destination's URL. */
    List<Due> due(Instant now, int limit) throws SQLException {
        List<Due> due = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT x.delivery_id, x.key_id, x.destination_id, "
                        + "x.event, x.summary, x.payload, x.created_at, x.state, x.attempts, x.next_attempt_at, d.url FROM "
                        + "alert_deliveries x JOIN alert_destinations d ON d.destination_id = x.destination_id WHERE "
                        + "x.state = 'pending' AND x.next_attempt_at <= ? ORDER BY x.next_attempt_at, x.delivery_id LIMIT " + limit)) {
            select.setObject(1, utc(now));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    due.add(new Due(delivery(rows), rows.getString(11)));
                }
            }
        }
        return due;
    }

    record Due(Delivery delivery, String url) {}

    /** Moves a due delivery's next attempt to {@code lease}, only if no one else did since it was read. */
    boolean claim(Delivery delivery, Instant lease) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement update = connection.prepareStatement("UPDATE alert_deliveries SET next_attempt_at = ? "
                        + "WHERE delivery_id = ? AND state = 'pending' AND next_attempt_at = ?")) {
            update.setObject(1, utc(lease));
            update.setLong(2, delivery.id());
            update.setObject(3, utc(delivery.nextAttemptAt()));
            return update.executeUpdate() == 1;
        }
    }

    /** Records an attempt and the delivery's new state ({@code next} only matters while pending). */
    void recordAttempt(Delivery delivery, Instant at, int status, String error, String state, Instant next) throws SQLException {
        try (Connection connection = storage.connection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO alert_attempts (key_id, delivery_id, "
                        + "attempted_at, status, error) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setLong(1, delivery.keyId());
                    insert.setLong(2, delivery.id());
                    insert.setObject(3, utc(at));
                    insert.setInt(4, status);
                    insert.setString(5, error);
                    insert.executeUpdate();
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE alert_deliveries SET state = ?, "
                        + "attempts = attempts + 1, next_attempt_at = ? WHERE delivery_id = ?")) {
                    update.setString(1, state);
                    update.setObject(2, utc(next));
                    update.setLong(3, delivery.id());
                    update.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The key's latest {@code limit} deliveries, newest first. */
    List<Delivery> deliveries(long keyId, int limit) throws SQLException {
        List<Delivery> deliveries = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT delivery_id, key_id, destination_id, event, "
                        + "summary, payload, created_at, state, attempts, next_attempt_at FROM alert_deliveries WHERE key_id = ? "
                        + "ORDER BY delivery_id DESC LIMIT " + limit)) {
            select.setLong(1, keyId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    deliveries.add(delivery(rows));
                }
            }
        }
        return deliveries;
    }

    /** Every attempt of the key's deliveries from {@code fromDelivery} on, oldest first. */
    List<Attempt> attempts(long keyId, long fromDelivery) throws SQLException {
        List<Attempt> attempts = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT delivery_id, attempted_at, status, error FROM "
                        + "alert_attempts WHERE key_id = ? AND delivery_id >= ? ORDER BY attempted_at")) {
            select.setLong(1, keyId);
            select.setLong(2, fromDelivery);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    attempts.add(new Attempt(rows.getLong(1), Storage.instant(rows, 2), rows.getInt(3), rows.getString(4)));
                }
            }
        }
        return attempts;
    }

    /** Deletes finished deliveries (and their attempts) created before {@code cutoff}. */
    long deleteBefore(Instant cutoff) throws SQLException {
        try (Connection connection = storage.connection()) {
            long attempts;
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM alert_attempts WHERE delivery_id IN "
                    + "(SELECT delivery_id FROM alert_deliveries WHERE state <> 'pending' AND created_at < ?)")) {
                delete.setObject(1, utc(cutoff));
                attempts = delete.executeLargeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM alert_deliveries WHERE state <> 'pending' AND created_at < ?")) {
                delete.setObject(1, utc(cutoff));
                return attempts + delete.executeLargeUpdate();
            }
        }
    }

    private static Delivery delivery(ResultSet rows) throws SQLException {
        return new Delivery(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getString(4), rows.getString(5),
                rows.getString(6), Storage.instant(rows, 7), rows.getString(8), rows.getInt(9), Storage.instant(rows, 10));
    }

    private static int execute(Connection connection, String sql, long keyId, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, keyId);
            statement.setLong(2, id);
            return statement.executeUpdate();
        }
    }

    private static void setNullable(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    /** The database keeps microseconds; truncating here keeps claims' equality checks exact. */
    static LocalDateTime utc(Instant instant) {
        return Storage.utc(instant.truncatedTo(ChronoUnit.MICROS));
    }
}
