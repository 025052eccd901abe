package dev.apianalytics.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

/**
 * PostgreSQL through a HikariCP pool, for deployments where several stateless collectors
 * share one database. Rows go in with {@code COPY ... FROM STDIN} (CSV), the fastest way in.
 */
public final class PostgresStorage extends SqlStorage {

    private static final long MIGRATION_LOCK = 0x4150_4941_4e41L; // arbitrary, constant across versions
    private static final long MAINTENANCE_LOCK = MIGRATION_LOCK + 1;
    /** Held while partitions are made, so that collectors sharing the database make each once. */
    private static final long PARTITIONS_LOCK = MIGRATION_LOCK + 2;
    /** Held while closed partitions are indexed: one collector builds, the others skip that hour. */
    static final long PARTITION_INDEX_LOCK = MIGRATION_LOCK + 3;
    /**
     * The memory a sort or hash of the summary job may take, for its transaction only: with the
     * default 4 MB PostgreSQL sorts a day's slices on disk where a hash of 32 MB would do (a day of
     * 1M rows a month: 5.1 s, against 1.1 s hashed); it plans a hash only when its guess of the
     * groups, several times the real number, fits twice this. Memory is taken as used, not as allowed.
     */
    private static final String MAINTENANCE_MEMORY = "SET LOCAL work_mem = '128MB'";
    /** The first of the two integers of each key's maintenance lock. */
    private static final int KEY_MAINTENANCE_LOCKS = 0x6b657973;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private final HikariDataSource pool;
    private final String displayUrl;
    private final Semaphore spareConnections;

    private PostgresStorage(HikariDataSource pool, String displayUrl, Duration lateAfter) {
        super(lateAfter);
        this.pool = pool;
        this.displayUrl = displayUrl;
        // fewer permits than connections, so that some are always held by work that waits for none; half, so
        // that dashboards' second connections leave most of the pool to the rest
        this.spareConnections = new Semaphore((pool.getMaximumPoolSize() - 1) / 2);
    }

    @Override
    public Semaphore spareConnections() {
        return spareConnections;
    }

    /**
     * Connects to {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db?user=...&password=...});
     * rows stored more than {@code lateAfter} after they were made mark their hour late (the summaries' rule).
     */
    public static PostgresStorage open(String jdbcUrl, int maxConnections, Duration lateAfter) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(Math.min(2, maxConnections));
        config.setConnectionTimeout(10_000);
        config.setPoolName("api-analytics");
        config.setAutoCommit(true);
        // PostgreSQL compiles a query whose estimated cost passes jit_above_cost into machine code:
        // a dashboard's reads of a few hours of 10M rows cost it 5.7 s of compiling for 0.39 s of
        // work (the users of Kolkata's straddling hours, 6.6 s with JIT). Nothing here runs long
        // enough to repay it. Per session, as every server from 11 on (which partitioning needs) knows it.
        config.setConnectionInitSql("SET jit = off");
        try {
            return new PostgresStorage(new HikariDataSource(config), withoutSecrets(jdbcUrl), lateAfter);
        } catch (RuntimeException e) {
            throw new SQLException("cannot connect to PostgreSQL at " + withoutSecrets(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<HikariPoolMXBean> pool() {
        return Optional.of(pool.getHikariPoolMXBean());
    }

    /** The URL without its query string, which may hold a password. */
    static String withoutSecrets(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        String bare = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        int at = bare.indexOf('@');
        int scheme = bare.indexOf("//");
        return at > 0 && scheme >= 0 && at > scheme ? bare.substring(0, scheme + 2) + bare.substring(at + 1) : bare;
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Unique within a partition only, which is enough: rows made at the same instant are always
     * in the same partition (see {@link RequestPartitions}).
     */
    @Override
    String tieBreaker() {
        return "ctid";
    }


    /**
     * Takes the batch one partition at a time: a {@code ctid} is unique only within its partition,
     * so the ids are looked up (by TID scan, through {@code = ANY (ARRAY(...))}) where they were found.
     */
    @Override
    public int deleteRequestsBefore(Connection connection, long keyId, Instant before, int limit) throws SQLException {
        int deleted = 0;
        while (deleted < limit) {
            String partition;
            try (PreparedStatement find = connection.prepareStatement(
                    "SELECT tableoid::regclass::text FROM requests WHERE key_id = ? AND created_at < ? LIMIT 1")) {
                find.setLong(1, keyId);
                find.setObject(2, utc(before));
                try (ResultSet rows = find.executeQuery()) {
                    if (!rows.next()) {
                        break;
                    }
                    partition = rows.getString(1);
                }
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + partition
                    + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + partition + " WHERE key_id = ? AND created_at < ? LIMIT "
                    + (limit - deleted) + "))")) {
                delete.setLong(1, keyId);
                delete.setObject(2, utc(before));
                deleted += delete.executeUpdate();
            }
        }
        return deleted;
    }

    @Override
    public int prepareRequestPartitions(Instant now) throws SQLException {
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + PARTITIONS_LOCK + ")");
                int made = RequestPartitions.prepare(connection, now);
                connection.commit();
                return made;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    @Override
    public int indexClosedRequestPartitions(Instant now, Instant dropsBefore) throws SQLException {
        // CREATE INDEX CONCURRENTLY runs outside a transaction, so the lock is the session's
        try (Connection connection = connection(); Statement statement = connection.createStatement()) {
            try (ResultSet locked = statement.executeQuery("SELECT pg_try_advisory_lock(" + PARTITION_INDEX_LOCK + ")")) {
                locked.next();
                if (!locked.getBoolean(1)) {
                    return 0;
                }
            }
            try {
                return RequestPartitions.indexClosed(connection, now, dropsBefore);
            } finally {
                statement.execute("SELECT pg_advisory_unlock(" + PARTITION_INDEX_LOCK + ")");
            }
        }
    }

    @Override
    public long dropRequestPartitionsBefore(Connection connection, Instant before) throws SQLException {
        return RequestPartitions.dropBefore(connection, utc(before));
    }

    /**
     * Reads the page and where it ends at once: outside a transaction the driver holds a query's
     * whole result in memory before handing out its first row anyway, so the page is read with
     * one row more, as a scrollable result, and its last rows are looked at before the first is
     * handed out. That saves sorting the page's hours a second time to find where it ends.
     */
    @Override
    public RequestPage openPage(long keyId, RequestFilter filter, RowPosition after, long offset, int limit,
            Set<String> omitted) throws SQLException {
        checkPage(limit, omitted);
        List<Object> parameters = new ArrayList<>();
        String sql = pageSql(keyId, filter, after, offset, limit + 1, omitted, true, parameters);
        Connection connection = connection();
        try {
            PreparedStatement select = connection.prepareStatement(sql, ResultSet.TYPE_SCROLL_INSENSITIVE,
                    ResultSet.CONCUR_READ_ONLY);
            Storage.bind(select, parameters);
            ResultSet rows = select.executeQuery();
            RowPosition last = null;
            if (rows.absolute(limit + 1)) {
                rows.previous();
                last = position(rows, 1, 5); // pageSql puts the tie-breaker after the four fixed columns
            }
            rows.beforeFirst();
            return RequestPage.of(last, sink -> readPageRows(rows, omitted, true, limit, sink), () -> {
                try (connection; select; rows) {
                    // closed in reverse order
                }
            });
        } catch (Throwable e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Named apart from {@code ctid}: {@code ORDER BY ctid} would otherwise sort this text instead. */
    @Override
    String tieBreakerSelected() {
        return "ctid::text AS row_tid";
    }

    /** A {@code ctid} such as {@code (12,34)} as block * 65536 + item: items never exceed 16 bits. */
    @Override
    long tieBreaker(ResultSet rows, int column) throws SQLException {
        String tid = rows.getString(column);
        int comma = tid.indexOf(',');
        return Long.parseLong(tid.substring(1, comma)) << 16 | Long.parseLong(tid.substring(comma + 1, tid.length() - 1));
    }

    @Override
    String tieBreakerParameter() {
        return "?::tid";
    }

    @Override
    Object tieBreakerBinding(long value) {
        return "(" + (value >>> 16) + "," + (value & 0xFFFF) + ")";
    }

    @Override
    void lockForMigration(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
        }
    }

    @Override
    void unlockAfterMigration(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
        }
    }

    /**
     * Makes a PostgreSQL statement return its results in binary from the first execution (the
     * driver otherwise sends {@code bytea} as hex text until a statement has run five times);
     * does nothing to other databases' statements.
     */
    public static void preferBinaryResults(PreparedStatement statement) throws SQLException {
        if (statement.isWrapperFor(PGStatement.class)) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
        }
    }

    /**
     * Has PostgreSQL plan each statement of the connection's open transaction with the values
     * bound to it, however often the driver has prepared it (a prepared statement is otherwise
     * planned once for any value from its sixth run); the setting ends with the transaction.
     * Does nothing to other databases' connections.
     */
    public static void planWithValuesInTransaction(Connection connection) throws SQLException {
        if (connection.isWrapperFor(PGConnection.class)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL plan_cache_mode = force_custom_plan");
            }
        }
    }

    @Override
    void lockMaintenance(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + MAINTENANCE_LOCK + ")");
            statement.execute(MAINTENANCE_MEMORY);
        }
    }

    /**
     * The shared form of {@link #lockMaintenance}'s lock, then one per key, in the two-integer
     * space of advisory locks (apart from the single-number one); ids past 2^31 share a lock
     * with another key, which only makes them wait for each other.
     */
    @Override
    void lockKeyMaintenance(Connection connection, long keyId) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock_shared(" + MAINTENANCE_LOCK + "), pg_advisory_xact_lock("
                    + KEY_MAINTENANCE_LOCKS + ", " + (int) keyId + ")");
            statement.execute(MAINTENANCE_MEMORY);
        }
    }

    @Override
    public void insertRequests(long keyId, List<StoredRequest> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        String csv = csv(keyId, rows);
        Set<LocalDateTime> late = lateHours(rows, Instant.now());
        try (Connection connection = connection()) {
            if (late.isEmpty()) {
                copy(connection, csv);
                return;
            }
            connection.setAutoCommit(false);
            try {
                copy(connection, csv);
                recordLateHours(connection, keyId, late);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Claims the batch id with {@code ON CONFLICT DO NOTHING} before copying the rows, in one
     * transaction: a concurrent post of the same id waits on the claim and, once the first
     * commits, finds it taken; if the first rolls back, the second stores the rows instead.
     */
    @Override
    public Optional<BatchOutcome> insertBatch(long keyId, String batchId, List<StoredRequest> rows, int rejected,
            Instant now) throws SQLException {
        String csv = csv(keyId, rows);
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try {
                boolean claimed;
                try (PreparedStatement claim = connection.prepareStatement(CLAIM_BATCH)) {
                    claimed = claimBatch(claim, keyId, batchId, rows.size(), rejected, now);
                }
                if (!claimed) {
                    connection.rollback();
                    BatchOutcome earlier = earlierBatch(connection, keyId, batchId);
                    connection.commit();
                    return Optional.of(earlier);
                }
                if (!rows.isEmpty()) {
                    copy(connection, csv);
                    recordLateHours(connection, keyId, lateHours(rows, Instant.now()));
                }
                connection.commit();
                return Optional.empty();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static void copy(Connection connection, String csv) throws SQLException {
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY requests (" + Schema.REQUEST_COLUMNS + ") FROM STDIN WITH (FORMAT csv)", new StringReader(csv));
        } catch (IOException e) {
            throw new SQLException("COPY into requests failed: " + e.getMessage(), e);
        }
    }

    private static String csv(long keyId, List<StoredRequest> rows) {
        StringBuilder csv = new StringBuilder(rows.size() * 256);
        for (StoredRequest row : rows) {
            csv.append(keyId).append(',');
            timestamp(csv, row.createdAt()).append(',');
            text(csv, row.hostname()).append(',');
            text(csv, row.ipAddress()).append(',');
            text(csv, row.path()).append(',');
            text(csv, row.route()).append(',');
            text(csv, row.method()).append(',');
            csv.append(row.status()).append(',');
            csv.append(row.responseTimeMs()).append(',');
            text(csv, row.userAgent()).append(',');
            text(csv, row.client()).append(',');
            text(csv, row.os()).append(',');
            text(csv, row.device()).append(',');
            csv.append(row.bot() ? 't' : 'f').append(',');
            text(csv, row.location()).append(',');
            text(csv, row.userId()).append(',');
            text(csv, row.framework()).append(',');
            text(csv, row.referrer()).append('\n');
        }
        return csv.toString();
    }

    /**
     * The naive UTC timestamp, {@code uuuu-MM-dd HH:mm:ss.SSSSSS}, written digit by digit: a
     * formatter costs more per row than the rest of the row's fields together.
     */
    static StringBuilder timestamp(StringBuilder csv, Instant instant) {
        long seconds = instant.getEpochSecond();
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        if (date.getYear() < 1000 || date.getYear() > 9999) {
            return csv.append(TIMESTAMP.format(utc(instant)));
        }
        int second = (int) Math.floorMod(seconds, 86_400);
        csv.append(date.getYear()).append('-');
        digits(csv, date.getMonthValue(), 2).append('-');
        digits(csv, date.getDayOfMonth(), 2).append(' ');
        digits(csv, second / 3600, 2).append(':');
        digits(csv, second / 60 % 60, 2).append(':');
        digits(csv, second % 60, 2).append('.');
        return digits(csv, instant.getNano() / 1000, 6);
    }

    private static StringBuilder digits(StringBuilder csv, int value, int width) {
        int divisor = 1;
        for (int i = 1; i < width; i++) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            csv.append((char) ('0' + value / divisor % 10));
        }
        return csv;
    }

    /** A CSV field: null is an unquoted empty field, any string is quoted (so "" stays an empty string). */
    private static StringBuilder text(StringBuilder csv, String value) {
        if (value == null) {
            return csv;
        }
        csv.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                csv.append('"');
            }
            csv.append(c);
        }
        return csv.append('"');
    }

    @Override
    public String describe() {
        return "PostgreSQL " + displayUrl;
    }

    @Override
    public void close() {
        pool.close();
    }
}
