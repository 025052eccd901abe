package dev.apianalytics.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** What DuckDB and PostgreSQL share: plain JDBC over the common schema. */
abstract class SqlStorage implements Storage {

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Rows stored later than this after they were made mark their hour late: the summaries' rule, given at open. */
    private final Duration lateAfter;
    private final List<String> keyOwnedTables = new CopyOnWriteArrayList<>();
    /** Held for writing by {@link #maintain}, for reading by {@link #maintainKey}; fair, so neither starves. */
    private final ReentrantReadWriteLock maintenance = new ReentrantReadWriteLock(true);
    /** The keys some {@link #maintainKey} work holds in this process. */
    private final Set<Long> busyKeys = new HashSet<>();

    SqlStorage(Duration lateAfter) {
        this.lateAfter = lateAfter;
    }

    /** The column that breaks ties in {@code created_at} so that pages are stable. */
    abstract String tieBreaker();

    /** A page of {@code columns} of the rows matching {@code where}, oldest first. */
    String pageQuery(String columns, String where, int limit, long offset) {
        return "SELECT " + columns + " FROM requests WHERE " + where + " ORDER BY created_at, " + tieBreaker()
                + " LIMIT " + limit + " OFFSET " + offset;
    }

    /** The tie-breaker as selected, read back by {@link #tieBreaker(ResultSet, int)}. */
    String tieBreakerSelected() {
        return tieBreaker();
    }

    /** The tie-breaker of a selected row as a number that sorts as the column does. */
    long tieBreaker(ResultSet rows, int column) throws SQLException {
        return rows.getLong(column);
    }

    /** A parameter to compare the tie-breaker with, and the value to bind to it. */
    String tieBreakerParameter() {
        return "?";
    }

    Object tieBreakerBinding(long value) {
        return value;
    }

    /** Keeps other collectors sharing the database out of maintenance until the transaction ends. */
    abstract void lockMaintenance(Connection connection) throws SQLException;

    /** Keeps other collectors out of maintenance of all keys and of this key until the transaction ends. */
    abstract void lockKeyMaintenance(Connection connection, long keyId) throws SQLException;

    @Override
    public <T> T maintain(SqlWork<T> work) throws SQLException {
        maintenance.writeLock().lock();
        try {
            return inTransaction(work, this::lockMaintenance);
        } finally {
            maintenance.writeLock().unlock();
        }
    }

    @Override
    public <T> T maintainKey(long keyId, SqlWork<T> work) throws SQLException {
        maintenance.readLock().lock();
        try {
            synchronized (busyKeys) {
                while (!busyKeys.add(keyId)) {
                    try {
                        busyKeys.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted waiting for maintenance of key " + keyId, e);
                    }
                }
            }
            try {
                return inTransaction(work, connection -> lockKeyMaintenance(connection, keyId));
            } finally {
                synchronized (busyKeys) {
                    busyKeys.remove(keyId);
                    busyKeys.notifyAll();
                }
            }
        } finally {
            maintenance.readLock().unlock();
        }
    }

    private interface Locking {
        void lock(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(SqlWork<T> work, Locking locking) throws SQLException {
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try {
                locking.lock(connection);
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the caller needs to see
        }
    }

    /** The distinct hours (UTC, truncated) of the rows made more than {@link #lateAfter} before {@code now}. */
    Set<LocalDateTime> lateHours(List<StoredRequest> rows, Instant now) {
        Set<LocalDateTime> hours = null;
        long cutoff = now.minus(lateAfter).toEpochMilli();
        for (StoredRequest row : rows) {
            if (row.createdAt().toEpochMilli() < cutoff) {
                if (hours == null) {
                    hours = new HashSet<>();
                }
                hours.add(utc(row.createdAt().truncatedTo(ChronoUnit.HOURS)));
            }
        }
        return hours == null ? Set.of() : hours;
    }

    /** Records late hours for a key in the caller's transaction. */
    static void recordLateHours(Connection connection, long keyId, Set<LocalDateTime> hours) throws SQLException {
        if (hours.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO late_hours (key_id, hour) VALUES (?, ?)")) {
            for (LocalDateTime hour : hours) {
                insert.setLong(1, keyId);
                insert.setObject(2, hour);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Runs {@code migrations} on {@code connection} with other collectors kept out. */
    abstract void lockForMigration(Connection connection) throws SQLException;

    abstract void unlockAfterMigration(Connection connection) throws SQLException;

    @Override
    public void migrate(List<Migration> migrations) throws SQLException {
        try (Connection connection = connection()) {
            lockForMigration(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        + "id VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)");
                List<String> applied = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery("SELECT id FROM schema_migrations")) {
                    while (rows.next()) {
                        applied.add(rows.getString(1));
                    }
                }
                for (Migration migration : migrations) {
                    if (applied.contains(migration.id())) {
                        continue;
                    }
                    String sql = migration.sql(dialect());
                    connection.setAutoCommit(false);
                    try {
                        if (sql != null) {
                            statement.execute(sql);
                        }
                        try (PreparedStatement record = connection.prepareStatement(
                                "INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)")) {
                            record.setString(1, migration.id());
                            record.setObject(2, utc(Instant.now()));
                            record.executeUpdate();
                        }
                        connection.commit();
                    } catch (SQLException e) {
                        connection.rollback();
                        throw new SQLException("schema migration " + migration.id() + " failed: " + e.getMessage(), e);
                    } finally {
                        connection.setAutoCommit(true);
                    }
                    applied.add(migration.id());
                }
            } finally {
                unlockAfterMigration(connection);
            }
        }
    }

    @Override
    public void registerKeyOwnedTable(String table) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        if (!keyOwnedTables.contains(table)) {
            keyOwnedTables.add(table);
        }
    }

    @Override
    public long createKey(String keyHash, Instant now) throws SQLException {
        try (Connection connection = connection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO api_keys "
                        + "(key_id, key_hash, created_at, last_active_at) VALUES (nextval('api_key_ids'), ?, ?, ?) "
                        + "RETURNING key_id")) {
            insert.setString(1, keyHash);
            insert.setObject(2, utc(now));
            insert.setObject(3, utc(now));
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Override
    public OptionalLong findKey(String keyHash) throws SQLException {
        try (Connection connection = connection();
                PreparedStatement select = connection.prepareStatement("SELECT key_id FROM api_keys WHERE key_hash = ?")) {
            select.setString(1, keyHash);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    @Override
    public void markActive(long keyId, Instant now) throws SQLException {
        try (Connection connection = connection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE api_keys SET last_active_at = ? WHERE key_id = ? AND last_active_at < ?")) {
            update.setObject(1, utc(now));
            update.setLong(2, keyId);
            update.setObject(3, utc(now));
            update.executeUpdate();
        }
    }

    @Override
    public long forgetBatchesBefore(Instant cutoff) throws SQLException {
        try (Connection connection = connection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM ingest_batches WHERE created_at < ?")) {
            delete.setObject(1, utc(cutoff));
            return delete.executeLargeUpdate();
        }
    }

    /** Claims a batch id in the caller's transaction ({@link #claimBatch}); both databases read it. */
    static final String CLAIM_BATCH = "INSERT INTO ingest_batches (key_id, batch_id, accepted, rejected, created_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id, batch_id) DO NOTHING";

    /** Runs {@code claim} ({@link #CLAIM_BATCH}) for one batch; false when the id was claimed before. */
    static boolean claimBatch(PreparedStatement claim, long keyId, String batchId, int accepted, int rejected, Instant now)
            throws SQLException {
        claim.setLong(1, keyId);
        claim.setString(2, batchId);
        claim.setInt(3, accepted);
        claim.setInt(4, rejected);
        claim.setObject(5, utc(now));
        return claim.executeUpdate() > 0;
    }

    /**
     * The outcome recorded for a batch id that a claim found taken, read on {@code connection};
     * a failure for the client to retry when the id is being forgotten meanwhile.
     */
    static BatchOutcome earlierBatch(Connection connection, long keyId, String batchId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT accepted, rejected FROM ingest_batches WHERE key_id = ? AND batch_id = ?")) {
            select.setLong(1, keyId);
            select.setString(2, batchId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("batch " + batchId + " was being forgotten; retry");
                }
                return new BatchOutcome(rows.getInt(1), rows.getInt(2));
            }
        }
    }

    @Override
    public long countRequests(long keyId, RequestFilter filter) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String where = where(keyId, filter, parameters);
        try (Connection connection = connection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM requests WHERE " + where)) {
            Storage.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Override
    public List<HourCount> countRequestsByHour(long keyId, RequestFilter filter) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String where = where(keyId, filter, parameters);
        try (Connection connection = connection();
                PreparedStatement select = connection.prepareStatement("SELECT date_trunc('hour', created_at) AS h, "
                        + "count(*) FROM requests WHERE " + where + " GROUP BY h ORDER BY h")) {
            Storage.bind(select, parameters);
            List<HourCount> hours = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    hours.add(new HourCount(Storage.instant(rows, 1), rows.getLong(2)));
                }
            }
            return hours;
        }
    }

    /**
     * Finds where the page ends with a second, narrow read of the same order before the rows are
     * read; PostgreSQL reads both at once ({@link PostgresStorage#openPage}).
     */
    @Override
    public RequestPage openPage(long keyId, RequestFilter filter, RowPosition after, long offset, int limit,
            Set<String> omitted) throws SQLException {
        checkPage(limit, omitted);
        List<Object> parameters = new ArrayList<>();
        String where = where(keyId, filter, parameters) + after(after, parameters);
        RowPosition last = null;
        try (Connection connection = connection();
                PreparedStatement select = connection.prepareStatement("SELECT created_at, " + tieBreakerSelected()
                        + " FROM requests WHERE " + where + " ORDER BY created_at, " + tieBreaker()
                        + " LIMIT 2 OFFSET " + Math.max(0, offset + limit - 1))) {
            Storage.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                // the page's last row, if a row follows it
                if (rows.next()) {
                    RowPosition position = position(rows, 1, 2);
                    last = rows.next() ? position : null;
                }
            }
        }
        return RequestPage.of(last, sink -> readRequestsAfter(keyId, filter, after, offset, limit, omitted, sink), () -> { });
    }

    /** The current row's position, from its {@code created_at} and selected tie-breaker columns. */
    final RowPosition position(ResultSet rows, int createdAt, int tieBreaker) throws SQLException {
        return new RowPosition(Storage.instant(rows, createdAt), tieBreaker(rows, tieBreaker));
    }

    /** The condition "after this position" ({@code created_at}, then the tie-breaker), nothing when null. */
    private String after(RowPosition after, List<Object> parameters) {
        if (after == null) {
            return "";
        }
        LocalDateTime at = utc(after.createdAt());
        // the first comparison alone lets the index (PostgreSQL) or the zone maps (DuckDB) seek
        parameters.add(at);
        parameters.add(at);
        parameters.add(tieBreakerBinding(after.tieBreaker()));
        return " AND created_at >= ? AND (created_at > ? OR " + tieBreaker() + " > " + tieBreakerParameter() + ")";
    }

    @Override
    public void readRequests(long keyId, RequestFilter filter, long offset, int limit, Consumer<StoredRequest> sink)
            throws SQLException {
        readRequestsAfter(keyId, filter, null, offset, limit, Set.of(), sink);
    }

    private void readRequestsAfter(long keyId, RequestFilter filter, RowPosition after, long offset, int limit,
            Set<String> omitted, Consumer<StoredRequest> sink) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String sql = pageSql(keyId, filter, after, offset, limit, omitted, false, parameters);
        try (Connection connection = connection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            Storage.bind(select, parameters);
            select.setFetchSize(Math.min(Math.max(limit, 1), 5_000));
            try (ResultSet rows = select.executeQuery()) {
                readPageRows(rows, omitted, false, limit, sink);
            }
        }
    }

    private static final String[] PAGE_TEXTS = {"hostname", "ip_address", "path", "route", "method", "user_agent", "client",
        "os", "device", "location", "user_id", "framework", "referrer"};

    /** Refuses what {@link #openPage} cannot read, before anything is read or sent. */
    static void checkPage(int limit, Set<String> omitted) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("a page holds 1 to " + MAX_PAGE + " rows, not " + limit);
        }
        if (!PAGE_OPTIONAL_TEXTS.containsAll(omitted)) {
            throw new IllegalArgumentException("a page cannot leave out " + omitted + "; only " + PAGE_OPTIONAL_TEXTS);
        }
    }

    /** A page's texts, as {@link TextColumns} reads them; the omitted ones selected as NULL. */
    private TextColumns pageTexts(Set<String> omitted) {
        String[] columns = PAGE_TEXTS.clone();
        for (int i = 0; i < columns.length; i++) {
            if (omitted.contains(columns[i])) {
                columns[i] = "CAST(NULL AS VARCHAR)";
            }
        }
        return dialect().bulkText(columns);
    }

    /**
     * The SQL of a page's rows, whose parameters it adds: {@code created_at, status,
     * response_time, bot}, then (when {@code withPosition}) the selected tie-breaker, then the texts.
     */
    final String pageSql(long keyId, RequestFilter filter, RowPosition after, long offset, int limit, Set<String> omitted,
            boolean withPosition, List<Object> parameters) {
        String where = where(keyId, filter, parameters) + after(after, parameters);
        String columns = "created_at, status, response_time, bot, " + (withPosition ? tieBreakerSelected() + ", " : "")
                + pageTexts(omitted).select();
        return pageQuery(columns, where, Math.max(0, limit), Math.max(0, offset));
    }

    /** Hands at most {@code limit} rows of {@link #pageSql}'s result, from where it stands, to {@code sink}. */
    final void readPageRows(ResultSet rows, Set<String> omitted, boolean withPosition, int limit,
            Consumer<StoredRequest> sink) throws SQLException {
        TextColumns texts = pageTexts(omitted);
        String[] text = texts.newRow();
        int firstText = withPosition ? 6 : 5;
        for (int read = 0; read < limit && rows.next(); read++) {
            texts.read(rows, firstText, text);
            sink.accept(new StoredRequest(rows.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                    text[0], text[1], text[2], text[3], text[4], rows.getInt(2), rows.getDouble(3), text[5], text[6],
                    text[7], text[8], rows.getBoolean(4), text[9], text[10], text[11], text[12]));
        }
    }

    @Override
    public long deleteData(long keyId) throws SQLException {
        return deleteOwned(keyId, false);
    }

    @Override
    public boolean deleteKey(long keyId) throws SQLException {
        try (Connection connection = connection();
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM api_keys WHERE key_id = ?")) {
            exists.setLong(1, keyId);
            try (ResultSet rows = exists.executeQuery()) {
                if (!rows.next()) {
                    return false;
                }
            }
        }
        deleteOwned(keyId, true);
        return true;
    }

    private long deleteOwned(long keyId, boolean andKey) throws SQLException {
        return maintainKey(keyId, connection -> {
            for (String table : keyOwnedTables) {
                deleteWhereKey(connection, table, keyId);
            }
            long deleted = deleteWhereKey(connection, "requests", keyId);
            if (andKey) {
                deleteWhereKey(connection, "api_keys", keyId);
            }
            return deleted;
        });
    }

    private static long deleteWhereKey(Connection connection, String table, long keyId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE key_id = ?")) {
            delete.setLong(1, keyId);
            return delete.executeLargeUpdate();
        }
    }

    /** By {@code rowid} on DuckDB; PostgreSQL takes its batch within one partition (see there). */
    @Override
    public int deleteRequestsBefore(Connection connection, long keyId, Instant before, int limit) throws SQLException {
        String some = "SELECT " + tieBreaker() + " FROM requests WHERE key_id = ? AND created_at < ? LIMIT " + limit;
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM requests WHERE " + tieBreaker() + " IN (" + some + ")")) {
            delete.setLong(1, keyId);
            delete.setObject(2, utc(before));
            return delete.executeUpdate();
        }
    }

    @Override
    public List<Long> inactiveKeys(Instant cutoff) throws SQLException {
        try (Connection connection = connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT key_id FROM api_keys WHERE last_active_at < ? ORDER BY key_id")) {
            select.setObject(1, utc(cutoff));
            List<Long> keys = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getLong(1));
                }
            }
            return keys;
        }
    }

    private static String where(long keyId, RequestFilter filter, List<Object> parameters) {
        StringBuilder where = new StringBuilder("key_id = ?");
        parameters.add(keyId);
        if (filter.from() != null) {
            where.append(" AND created_at >= ?");
            parameters.add(utc(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND created_at < ?");
            parameters.add(utc(filter.to()));
        }
        equal(where, parameters, "hostname", filter.hostname());
        equal(where, parameters, "ip_address", filter.ipAddress());
        equal(where, parameters, "status", filter.status());
        equal(where, parameters, "location", filter.location());
        equal(where, parameters, "user_id", filter.userId());
        return where.toString();
    }

    private static void equal(StringBuilder where, List<Object> parameters, String column, Object value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            parameters.add(value);
        }
    }

    static LocalDateTime utc(Instant instant) {
        return Storage.utc(instant);
    }
}
