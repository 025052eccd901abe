package dev.apianalytics.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Semaphore;
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

    /**
     * Groups appended at once, each in its own transaction: DuckDB appends them side by side and
     * only their commits take turns. Two carried 1.1 to 1.3 times the rows of the one writer before
     * on two cores (docs/performance.md); three and four no more than two.
     */
    private static final int WRITERS_AT_ONCE = 2;

    private final Path file;
    private final DuckDBConnection root;
    private final Semaphore spareConnections = new Semaphore(Integer.MAX_VALUE);
    private final Object writeLock = new Object(); // guards the fields below
    private final List<Pending> queue = new ArrayList<>();
    private final Set<String> batchIdsBeingWritten = new HashSet<>();
    private final Deque<Writer> idleWriters = new ArrayDeque<>();
    private int writers;
    private boolean closed;

    private DuckDbStorage(Path file, DuckDBConnection root, Duration lateAfter) {
        super(lateAfter);
        this.file = file;
        this.root = root;
    }

    /**
     * Opens (creating if needed) the database in {@code dataDirectory}; rows stored more than
     * {@code lateAfter} after they were made mark their hour late (the summaries' rule).
     */
    public static DuckDbStorage open(Path dataDirectory, Duration lateAfter) throws SQLException {
        Path file = dataDirectory.toAbsolutePath().resolve(FILE_NAME);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new SQLException("cannot create the data directory " + file.getParent() + ": " + e.getMessage(), e);
        }
        try {
            Properties properties = new Properties();
            return new DuckDbStorage(file, (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties),
                    lateAfter);
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

    /** Duplicates of one database, as many as asked for. */
    @Override
    public Semaphore spareConnections() {
        return spareConnections;
    }

    @Override
    String tieBreaker() {
        return "rowid";
    }

    @Override
    void lockMaintenance(Connection connection) {
        // one process per database file: the lock every storage holds is enough
    }

    @Override
    void lockKeyMaintenance(Connection connection, long keyId) {
        // as above
    }

    /**
     * Sorts only the row ids and timestamps to find the page, then reads the wide rows of that
     * page alone: about twice as fast as sorting whole rows on a key with millions of them.
     */
    @Override
    String pageQuery(String columns, String where, int limit, long offset) {
        return "SELECT " + columns + " FROM requests WHERE rowid IN (SELECT rowid FROM requests WHERE " + where
                + " ORDER BY created_at, rowid LIMIT " + limit + " OFFSET " + offset + ") ORDER BY created_at, rowid";
    }

    @Override
    void lockForMigration(Connection connection) {
        // one process per file: nothing else can migrate concurrently
    }

    @Override
    void unlockAfterMigration(Connection connection) {}

    /**
     * Appends with group commit: concurrent callers queue their batches, one of them appends
     * everything queued in one transaction (two such groups at a time, see
     * {@link #WRITERS_AT_ONCE}), and all return when it commits: fewer, larger commits.
     */
    @Override
    public void insertRequests(long keyId, List<StoredRequest> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        commitInGroup(new Pending(keyId, rows, null, 0, null));
    }

    /**
     * Joins the group commit like {@link #insertRequests}; the writer records batch ids inside
     * the group's transaction, and a batch whose id another group is writing waits for that
     * group's commit, so two posts of the same id (concurrent or not) store the rows once.
     */
    @Override
    public Optional<BatchOutcome> insertBatch(long keyId, String batchId, List<StoredRequest> rows, int rejected,
            Instant now) throws SQLException {
        Pending mine = new Pending(keyId, rows, batchId, rejected, now);
        commitInGroup(mine);
        return Optional.ofNullable(mine.earlier);
    }

    private void commitInGroup(Pending mine) throws SQLException {
        List<Pending> group;
        synchronized (writeLock) {
            queue.add(mine);
            boolean interrupted = false;
            while (!mine.done && (mine.taken || writers >= WRITERS_AT_ONCE || claimedElsewhere(mine))) {
                try {
                    writeLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the batch may be in a commit already: wait for the outcome
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (mine.done) {
                mine.rethrow();
                return;
            }
            writers++;
            group = takeGroup(mine);
        }
        SQLException failure = null;
        try {
            append(group);
        } catch (SQLException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            // the group's callers and the batch ids it holds must be released whatever went wrong
            failure = new SQLException("appending rows failed: " + e, e);
        }
        synchronized (writeLock) {
            for (Pending pending : group) {
                pending.done = true;
                pending.failure = failure;
                if (pending.batchId != null) {
                    batchIdsBeingWritten.remove(pending.claim());
                }
            }
            writers--;
            writeLock.notifyAll();
        }
        mine.rethrow();
    }

    /**
     * Takes the queued batches for the writer of {@code mine}, its own first, leaving those whose
     * batch id another writer is storing: they wait for its commit, after which the id is found
     * and the rows are not stored twice.
     */
    private List<Pending> takeGroup(Pending mine) {
        List<Pending> group = new ArrayList<>(queue.size());
        take(mine, group);
        for (Pending pending : List.copyOf(queue)) {
            if (!claimedElsewhere(pending)) {
                take(pending, group);
            }
        }
        return group;
    }

    private void take(Pending pending, List<Pending> group) {
        queue.remove(pending);
        if (pending.batchId != null) {
            batchIdsBeingWritten.add(pending.claim());
        }
        pending.taken = true;
        group.add(pending);
    }

    private boolean claimedElsewhere(Pending pending) {
        return !pending.taken && pending.batchId != null && batchIdsBeingWritten.contains(pending.claim());
    }

    private void append(List<Pending> group) throws SQLException {
        Writer writer;
        synchronized (writeLock) {
            if (closed) {
                throw new SQLException("the database " + file + " is closed");
            }
            writer = idleWriters.poll();
        }
        if (writer == null) {
            writer = openWriter();
        }
        boolean written = false;
        try {
            writer.write(group);
            written = true;
        } finally {
            keepOrClose(writer, written);
        }
    }

    private Writer openWriter() throws SQLException {
        DuckDBConnection connection = root.duplicate();
        try {
            return new Writer(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Keeps a writer whose group committed for the next group; closes one that failed (a commit
     * DuckDB refused leaves the driver believing a transaction is open) or that outlived close().
     */
    private void keepOrClose(Writer writer, boolean written) {
        synchronized (writeLock) {
            if (written && !closed) {
                idleWriters.push(writer);
                return;
            }
        }
        writer.close();
    }

    /** A connection kept for appending groups, one transaction each, its batch-id claim prepared once. */
    private final class Writer implements AutoCloseable {
        private final DuckDBConnection connection;
        private final PreparedStatement claimBatch;

        private Writer(DuckDBConnection connection) throws SQLException {
            this.connection = connection;
            // one transaction for the batch ids, the late hours and the rows: the appender writes inside it
            connection.setAutoCommit(false);
            claimBatch = connection.prepareStatement(CLAIM_BATCH);
        }

        /**
         * Claims the batch ids, marks late hours, then appends the rows: the statements before
         * the appender open the transaction it writes in (with nothing before it, its rows commit
         * as one when it closes).
         */
        void write(List<Pending> group) throws SQLException {
            try {
                List<Pending> fresh = claimBatchIds(group);
                markLateHours(fresh);
                try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "requests")) {
                    for (Pending pending : fresh) {
                        for (StoredRequest row : pending.rows) {
                            appendRow(appender, pending.keyId, row);
                        }
                    }
                    // closing flushes the rows into the transaction
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            }
        }

        /** Marks each key's late hours once for the group, however many of its batches name them. */
        private void markLateHours(List<Pending> fresh) throws SQLException {
            Instant now = Instant.now();
            Map<Long, Set<LocalDateTime>> late = new HashMap<>();
            for (Pending pending : fresh) {
                Set<LocalDateTime> hours = lateHours(pending.rows, now);
                if (!hours.isEmpty()) {
                    late.computeIfAbsent(pending.keyId, key -> new HashSet<>()).addAll(hours);
                }
            }
            for (Map.Entry<Long, Set<LocalDateTime>> key : late.entrySet()) {
                recordLateHours(connection, key.getKey(), key.getValue());
            }
        }

        /**
         * Records the batch id of each pending batch that has one and returns the batches to
         * store; a batch whose id is already committed gets the earlier outcome instead and is
         * left out (no two groups being written hold one id: see {@code takeGroup}).
         */
        private List<Pending> claimBatchIds(List<Pending> group) throws SQLException {
            List<Pending> fresh = new ArrayList<>(group.size());
            for (Pending pending : group) {
                if (pending.batchId != null
                        && !claimBatch(claimBatch, pending.keyId, pending.batchId, pending.rows.size(), pending.rejected, pending.now)) {
                    // stored before (a retry whose answer was lost): answer as then
                    pending.earlier = earlierBatch(connection, pending.keyId, pending.batchId);
                    continue;
                }
                fresh.add(pending);
            }
            return fresh;
        }

        @Override
        public void close() {
            try {
                connection.close(); // and its statements
            } catch (SQLException ignored) {
                // nothing to do about a connection that will not close
            }
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the callers need to see
        }
    }

    private static void appendRow(DuckDBAppender appender, long keyId, StoredRequest row) throws SQLException {
        appender.beginRow();
        appender.append(keyId);
        appender.appendEpochMicros(epochMicros(row.createdAt())); // no LocalDateTime per row
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

    /** The instant as the microseconds of the naive UTC timestamp DuckDB stores. */
    static long epochMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    private static final class Pending {
        final long keyId;
        final List<StoredRequest> rows;
        final String batchId; // null when the post had no Idempotency-Key
        final int rejected;
        final Instant now;
        boolean taken;
        boolean done;
        SQLException failure;
        BatchOutcome earlier; // set when the batch id was already stored: the rows were not

        Pending(long keyId, List<StoredRequest> rows, String batchId, int rejected, Instant now) {
            this.keyId = keyId;
            this.rows = rows;
            this.batchId = batchId;
            this.rejected = rejected;
            this.now = now;
        }

        String claim() {
            return keyId + " " + batchId;
        }

        void rethrow() throws SQLException {
            if (failure != null) {
                throw new SQLException(failure.getMessage(), failure);
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
            synchronized (writeLock) {
                closed = true; // a writer still writing closes its connection when done
                idleWriters.forEach(Writer::close);
                idleWriters.clear();
            }
            root.close();
        } catch (SQLException ignored) {
            // closing on shutdown: nothing useful to do
        }
    }
}
