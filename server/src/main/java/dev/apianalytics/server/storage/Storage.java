package dev.apianalytics.server.storage;

import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.postgresql.PGStatement;

/**
 * Where the collector keeps keys and requests: {@link DuckDbStorage} (embedded, the default) or
 * {@link PostgresStorage}. Both have the same schema ({@link Schema}). Every method that writes
 * has committed when it returns. Failures surface as {@link SQLException}. Rows inserted later
 * than the lateness the storage was opened with (the summaries' rule) mark their hour in
 * {@link Schema#LATE_HOURS}, in the rows' transaction.
 */
public interface Storage extends AutoCloseable {

    Dialect dialect();

    /**
     * A connection in auto-commit mode for SQL of your own (dashboard aggregates, monitoring);
     * the caller closes it. On DuckDB it shares the one embedded database; on PostgreSQL it
     * comes from the pool.
     */
    Connection connection() throws SQLException;

    /** Applies, in order, each migration not yet recorded in {@code schema_migrations}. */
    void migrate(List<Migration> migrations) throws SQLException;

    /**
     * Declares a table with a {@code key_id BIGINT} column whose rows belong to a key: deleting
     * a key's data or the key itself deletes them too.
     */
    void registerKeyOwnedTable(String table);

    /** Stores a new key by the hash of its secret and returns its numeric id. */
    long createKey(String keyHash, Instant now) throws SQLException;

    /** The id of the key with that hash, if it exists. */
    OptionalLong findKey(String keyHash) throws SQLException;

    /** Records activity on a key (keeps it from retention). */
    void markActive(long keyId, Instant now) throws SQLException;

    /** Appends rows for a key in one transaction, committed on return. */
    void insertRequests(long keyId, List<StoredRequest> rows) throws SQLException;

    /**
     * Appends rows for a key and records {@code batchId} for it in the same transaction,
     * committed on return. When the key already has a committed batch with that id (a retry
     * whose first answer was lost), stores nothing and returns what was recorded then;
     * concurrent calls with the same id store the rows once.
     *
     * @return empty when the rows were stored now; the earlier outcome when they already were
     */
    Optional<BatchOutcome> insertBatch(long keyId, String batchId, List<StoredRequest> rows, int rejected, Instant now)
            throws SQLException;

    /** Forgets the batch ids recorded before {@code cutoff}; returns how many. */
    long forgetBatchesBefore(Instant cutoff) throws SQLException;

    /** How many of the key's rows match. */
    long countRequests(long keyId, RequestFilter filter) throws SQLException;

    /** The key's matching rows, oldest first, skipping {@code offset} and handing at most {@code limit} to {@code sink}. */
    void readRequests(long keyId, RequestFilter filter, long offset, int limit, Consumer<StoredRequest> sink)
            throws SQLException;

    /**
     * The key's matching rows counted per UTC hour, oldest hour first, hours without rows left
     * out: the data API's total and the map it uses to find a page without an offset.
     */
    List<HourCount> countRequestsByHour(long keyId, RequestFilter filter) throws SQLException;

    /**
     * A page of the key's matching rows in the data API's order ({@code created_at}, then the row
     * identifier): after {@code after} (all rows when null), skipping {@code offset}, at most
     * {@code limit}. With a narrow time range in the filter, the cost depends on the page, not on
     * how far into the key's rows it lies; {@code limit} is 1 to {@link #MAX_PAGE}. The text columns named in {@code omitted} (of
     * {@link #PAGE_OPTIONAL_TEXTS}) are read as null: a page leaves out what its reader never
     * writes, which PostgreSQL would otherwise send. The caller closes it.
     */
    RequestPage openPage(long keyId, RequestFilter filter, RowPosition after, long offset, int limit, Set<String> omitted)
            throws SQLException;

    /** The most rows {@link #openPage} reads in one page. */
    int MAX_PAGE = 1_000_000;

    /** The text columns a page may leave out ({@link #openPage}). */
    Set<String> PAGE_OPTIONAL_TEXTS = Set.of("route", "client", "os", "device", "framework", "referrer");

    /**
     * Runs {@code work} in one transaction on a connection of its own, committed on return and
     * rolled back if it throws, while no key's data is being deleted (here or, on PostgreSQL,
     * by another collector) and no other maintenance runs: summaries built from rows in that
     * transaction can never outlive a deletion of those rows.
     */
    <T> T maintain(SqlWork<T> work) throws SQLException;

    /**
     * Like {@link #maintain}, but for work on one key's rows alone: it excludes {@link #maintain}
     * and other work on the same key (its deletion included), never work on other keys, so a
     * key's long summary backlog cannot hold up another key's deletion.
     */
    <T> T maintainKey(long keyId, SqlWork<T> work) throws SQLException;

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Deletes every row the key owns (requests and key-owned tables) but keeps the key; returns the requests deleted. */
    long deleteData(long keyId) throws SQLException;

    /** Deletes the key and everything it owns; returns whether it existed. */
    boolean deleteKey(long keyId) throws SQLException;

    /**
     * Deletes up to {@code limit} of the key's rows made before {@code before}, in the caller's
     * transaction (a {@link #maintainKey} one); returns how many, fewer than {@code limit} once
     * none is left.
     */
    int deleteRequestsBefore(Connection connection, long keyId, Instant before, int limit) throws SQLException;

    /**
     * Makes the storage ready for rows made up to some weeks after {@code now}: on PostgreSQL,
     * the weekly partitions of {@code requests} (see the server internals); nothing on DuckDB.
     * Runs at start-up and daily; returns how many partitions it made.
     */
    default int prepareRequestPartitions(Instant now) throws SQLException {
        return 0;
    }

    /**
     * Indexes what no longer changes for the reads the dashboard cannot answer from summaries:
     * on PostgreSQL, the users and paths of the {@code requests} partitions whose week ended a day
     * ago and more, but those the raw-row retention drops within a week after {@code dropsBefore}
     * (null: none), see the server internals; nothing on DuckDB. Runs hourly; several collectors
     * sharing a database take turns. Returns how many indexes it built.
     */
    default int indexClosedRequestPartitions(Instant now, Instant dropsBefore) throws SQLException {
        return 0;
    }

    /**
     * Drops, in the caller's transaction (a {@link #maintain} one), every partition of
     * {@code requests} whose rows were all made before {@code before}; returns how many rows
     * went with them. DuckDB has no partitions: it returns 0 and {@link #deleteRequestsBefore}
     * does the work.
     */
    default long dropRequestPartitionsBefore(Connection connection, Instant before) throws SQLException {
        return 0;
    }

    /** Keys whose last activity is before {@code cutoff}. */
    List<Long> inactiveKeys(Instant cutoff) throws SQLException;

    /**
     * Permits for connections taken beside one already held (a dashboard reads its sketches on a
     * second and a third): take one without waiting, and do the work on the connection held when
     * there is none. With a bounded pool, requests that each hold a connection and wait for
     * another can take every connection between them and wait until they time out (ten
     * dashboards at once on the default pool of ten); with fewer permits than connections, some
     * are always held by work that waits for none. Unbounded without a pool.
     */
    Semaphore spareConnections();

    /**
     * Starts {@code work} on a connection of its own in one of {@code executor}'s threads when a
     * spare one is to be had ({@link #spareConnections}), its permit given back when the work ends;
     * null when none is spared. An {@link SQLException} of the work completes the future with a
     * {@link CompletionException}; an executor that takes no more work throws, the permit given back.
     */
    default <T> CompletableFuture<T> onSpareConnection(Executor executor, SqlWork<T> work) {
        Semaphore spares = spareConnections();
        if (!spares.tryAcquire()) {
            return null;
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try (Connection own = connection()) {
                    return work.run(own);
                } catch (SQLException e) {
                    throw new CompletionException(e);
                } finally {
                    spares.release();
                }
            }, executor);
        } catch (RuntimeException | Error e) {
            // not started (the executor shut down, no thread to be had): the permit is not held
            spares.release();
            throw e;
        }
    }

    /** The connection pool's live figures (connections active, idle, waited for), for the collector's metrics; none without a pool. */
    default Optional<HikariPoolMXBean> pool() {
        return Optional.empty();
    }

    /** A line for the start-up message saying where data lives (never a password). */
    String describe();

    @Override
    void close();

    /**
     * Has PostgreSQL plan {@code statement} with the values bound to it, each time it runs: a LIKE
     * pattern uses an index for its constant prefix only when planned as its value, and the driver
     * would otherwise prepare a statement run a few times on a connection once on the server,
     * where PostgreSQL may settle on one plan for any value. Nothing on DuckDB.
     */
    static void planWithValues(PreparedStatement statement) throws SQLException {
        if (statement.isWrapperFor(PGStatement.class)) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(0);
        }
    }

    /** Binds {@code parameters} in order: numbers as numbers, everything else (timestamps, text) as objects. */
    static void bind(PreparedStatement statement, List<?> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object value = parameters.get(i);
            if (value instanceof Integer number) {
                statement.setInt(i + 1, number);
            } else if (value instanceof Long number) {
                statement.setLong(i + 1, number);
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }

    /** A UTC timestamp column as an instant, null for SQL NULL. */
    static Instant instant(ResultSet rows, int column) throws SQLException {
        java.time.LocalDateTime value = rows.getObject(column, java.time.LocalDateTime.class);
        return value == null ? null : value.toInstant(java.time.ZoneOffset.UTC);
    }

    /** A double column, null for SQL NULL (JDBC reads it as 0). */
    static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }

    /** An instant as the naive UTC timestamp both databases store; bind it with {@code setObject}. */
    static java.time.LocalDateTime utc(Instant instant) {
        return java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
    }
}
