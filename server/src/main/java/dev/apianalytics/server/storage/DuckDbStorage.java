package dev.apianalytics.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The embedded default: one DuckDB file in the data directory. DuckDB lets one process open a
 * database file for writing, so exactly one collector runs per data directory; within the
 * process, each operation works on its own connection to the shared database.
 */
public final class DuckDbStorage extends SqlStorage {

    /** The database file's name inside the data directory. */
    public static final String FILE_NAME = "api-analytics.duckdb";

    private final Path file;
    private final DuckDBConnection root;

    private DuckDbStorage(Path file, DuckDBConnection root) {
        this.file = file;
        this.root = root;
    }

    /** Opens (creating if needed) the database in {@code dataDirectory}. */
    public static DuckDbStorage open(Path dataDirectory) throws SQLException {
        Path file = dataDirectory.toAbsolutePath().resolve(FILE_NAME);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new SQLException("cannot create the data directory " + file.getParent() + ": " + e.getMessage(), e);
        }
        try {
            Properties properties = new Properties();
            return new DuckDbStorage(file, (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties));
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("lock")) {
                throw new SQLException("the database " + file + " is in use by another process; DuckDB allows one "
                        + "collector per data directory (stop the other one, or use --data-dir elsewhere)", e);
            }
            throw e;
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.DUCKDB;
    }

    @Override
    public Connection connection() throws SQLException {
        return root.duplicate();
    }

    @Override
    String tieBreaker() {
        return "rowid";
    }

    @Override
    void lockForMigration(Connection connection) {
        // one process per file: nothing else can migrate concurrently
    }

    @Override
    void unlockAfterMigration(Connection connection) {}

    @Override
    public void insertRequests(long keyId, List<StoredRequest> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (DuckDBConnection connection = root.duplicate()) {
            try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "requests")) {
                for (StoredRequest row : rows) {
                    appender.beginRow();
                    appender.append(keyId);
                    appender.append(utc(row.createdAt()));
                    text(appender, row.hostname());
                    text(appender, row.ipAddress());
                    appender.append(row.path());
                    text(appender, row.route());
                    appender.append(row.method());
                    appender.append((short) row.status());
                    appender.append(row.responseTimeMs());
                    text(appender, row.userAgent());
                    text(appender, row.client());
                    text(appender, row.os());
                    text(appender, row.device());
                    appender.append(row.bot());
                    text(appender, row.location());
                    text(appender, row.userId());
                    text(appender, row.framework());
                    text(appender, row.referrer());
                    appender.endRow();
                }
                // closing flushes the rows and commits them (the connection is in auto-commit mode)
            }
        }
    }

    private static void text(DuckDBAppender appender, String value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else {
            appender.append(value);
        }
    }

    @Override
    public String describe() {
        return "DuckDB database " + file;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException ignored) {
            // closing on shutdown: nothing useful to do
        }
    }
}
