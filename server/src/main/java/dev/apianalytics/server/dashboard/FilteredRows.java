package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.storage.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A view's filtered rows copied once into a temporary table of the connection, so that the
 * dozen queries of {@link DashboardAggregator} read them there rather than each scanning the
 * period's rows again: a user's requests over 30 days of 10 million rows were nine scans of
 * about 0.25 s each. A filter that keeps more than {@link #maxRows} (hidden endpoints, a busy
 * status class) leaves the panels to the table itself.
 */
final class FilteredRows implements AutoCloseable {

    /** The columns the panels and their filters read. */
    private static final String COLUMNS = "key_id, created_at, hostname, ip_address, path, route, method, status, "
            + "response_time, client, os, device, bot, location, user_id, referrer";

    /** Names unique in the process, so that no view's copy can be taken for another's. */
    private static final AtomicLong NAMES = new AtomicLong();

    private static final System.Logger LOG = System.getLogger(FilteredRows.class.getName());

    private final Connection connection;
    private final String table;
    /** The connection's autocommit before the copy, given back after it. */
    private final boolean autoCommit;

    private FilteredRows(Connection connection, String table, boolean autoCommit) {
        this.connection = connection;
        this.table = table;
        this.autoCommit = autoCommit;
    }

    /**
     * The rows of {@code sql}'s query between {@code from} and {@code to} in a temporary table,
     * or empty when they are more than {@code maxRows} ({@link #maxRows} but in tests) or cannot
     * be copied (a PostgreSQL role without the TEMPORARY privilege, a full temporary space): the
     * view then reads them in place. The copy lives in a transaction that {@link #close} ends, so
     * that it is one session's even behind a pool of sessions such as PgBouncer's, and is gone
     * whatever happens.
     */
    static Optional<FilteredRows> copy(Connection connection, Dialect dialect, DashboardSql sql, long keyId, Instant from,
            Instant to, int maxRows) throws SQLException {
        // a name the session's temporary schema holds whatever the search path (DuckDB searches it first)
        String table = (dialect == Dialect.POSTGRESQL ? "pg_temp." : "") + "dashboard_rows_" + NAMES.incrementAndGet();
        boolean autoCommit = connection.getAutoCommit();
        try {
            connection.setAutoCommit(false);
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE TEMPORARY TABLE " + table + " AS SELECT " + COLUMNS + " FROM requests LIMIT 0");
            }
            List<Object> parameters = DashboardSql.list();
            // one scan, stopped past the most: a copy that overflows is thrown away, which costs a
            // view that reads its rows in place for seconds anyway a fraction more, where counting
            // first cost every copied view 40-110 ms (10M rows)
            String rows = dialect == Dialect.DUCKDB ? sql.rowsSelect(COLUMNS, keyId, from, to, parameters)
                    : "SELECT " + COLUMNS + " FROM requests WHERE " + sql.where(keyId, from, to, parameters);
            String insert = "INSERT INTO " + table + " " + rows + " LIMIT " + (maxRows + 1);
            // an INSERT, which takes bound values on both databases where CREATE TABLE AS may not
            long copied;
            try (PreparedStatement copy = connection.prepareStatement(insert)) {
                DashboardSql.bind(copy, parameters);
                copied = dialect == Dialect.DUCKDB ? inAnyOrder(connection, copy) : copy.executeUpdate();
            }
            if (copied > maxRows) {
                end(connection, autoCommit);
                return Optional.empty();
            }
            return Optional.of(new FilteredRows(connection, table, autoCommit));
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "filtered rows not copied, read in place: " + e.getMessage());
            end(connection, autoCommit);
            return Optional.empty();
        } catch (RuntimeException | Error e) {
            end(connection, autoCommit);
            throw e;
        }
    }

    /**
     * The most rows worth copying: 500,000 on DuckDB, where (10M rows, 30 days) the panels of a
     * local hour in India (416,000 rows) took 0.48-0.58 s copied and 1.5 s in place, and those of
     * 312,000 rows of one status class and country 1.1-1.2 s copied and 2.1 s in place; a copy holds
     * about 180 bytes a row of DuckDB's memory, which spills to disk. 50,000 on PostgreSQL, where (1M rows, 30
     * days) a view of 31,000 rows took 0.73-0.83 s copied and 1.2-1.4 s in place, and one of
     * 167,000 took 2.35 s copied and 1.5 s in place (copying them alone took 0.48 s; a temporary
     * table has no statistics, and spills past {@code temp_buffers}).
     */
    static int maxRows(Dialect dialect) {
        return dialect == Dialect.DUCKDB ? 500_000 : 50_000;
    }

    /**
     * Runs DuckDB's {@code copy} without keeping the rows' order, which no panel reads: the copy
     * then runs on every core (416,000 of 10M rows: 0.33 s against 0.52-0.59 s in order). The
     * setting is the session's, and pooled connections are reused, so it is reset however the copy ends.
     */
    private static long inAnyOrder(Connection connection, PreparedStatement copy) throws SQLException {
        try (Statement setting = connection.createStatement()) {
            setting.execute("SET SESSION preserve_insertion_order = false");
            try {
                return copy.executeUpdate();
            } finally {
                setting.execute("RESET SESSION preserve_insertion_order");
            }
        }
    }

    /** The table's name, for {@code FROM}. */
    String table() {
        return table;
    }

    /** Drops the copy and ends its transaction; a failure is logged, as the view it served is answered. */
    @Override
    public void close() {
        try (Statement drop = connection.createStatement()) {
            drop.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "could not drop " + table + ": " + e.getMessage());
        }
        end(connection, autoCommit);
    }

    /** Rolls back what the transaction did (a copy dropped or never made) and gives the connection its autocommit back. */
    private static void end(Connection connection, boolean autoCommit) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "could not end a filtered view's transaction: " + e.getMessage());
        }
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "could not restore autocommit after a filtered view: " + e.getMessage());
        }
    }
}
