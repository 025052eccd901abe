package dev.apianalytics.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's {@code requests} partitions, by {@code created_at}: one per week (Monday 00:00
 * UTC), named {@code requests_w<yyyyMMdd>} after their first day; {@code requests_before_<yyyyMMdd>},
 * the table of a database that predates partitioning, holding everything before that day; and
 * {@code requests_default} for rows outside them all (far past, or beyond the weeks made ahead).
 * Every {@code created_at} belongs to exactly one partition, so rows made at the same instant
 * always share one, which keeps {@code (created_at, ctid)} a total order for paging.
 */
final class RequestPartitions {

    /** Weeks made before the current one in a new database: a backfill of a quarter lands in weeks. */
    static final int WEEKS_BEHIND = 13;
    /** Weeks made after the current one: the daily job can miss a month before rows reach the default. */
    static final int WEEKS_AHEAD = 5;
    /**
     * How long after its last instant a partition counts as closed and gets its indexes: rows
     * arrive seconds after they were made, a retried batch hours after, and a backfill (the demo's
     * month, an import) pays the index on the rows it puts in a closed week.
     */
    static final Duration CLOSED_AFTER = Duration.ofDays(1);
    /** How long an index build waits for a lock or an older transaction before giving up until the next run. */
    static final String BUILD_LOCK_TIMEOUT = "10s";
    /** PostgreSQL's SQLSTATE for a table that does not exist. */
    private static final String UNDEFINED_TABLE = "42P01";
    /** How long a drop or attach waits for its lock (queries queue behind a waiting one) before leaving it to the next run. */
    private static final String LOCK_TIMEOUT = "2s";

    private static final System.Logger LOG = System.getLogger(RequestPartitions.class.getName());
    private static final Pattern NAME = Pattern.compile("requests_(w|before_)(\\d{8})");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    /**
     * A range partition: {@code [from, to)}, {@code from} null for "since ever".
     *
     * @param name the table's name
     * @param from the first instant it holds, or null
     * @param to the first instant it does not hold
     */
    record Partition(String name, LocalDateTime from, LocalDateTime to) {}

    private RequestPartitions() {}

    /** The range partitions, oldest first (the default one left out). */
    static List<Partition> list(Connection connection) throws SQLException {
        List<Partition> partitions = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT c.relname FROM pg_inherits i "
                        + "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'requests'::regclass")) {
            while (rows.next()) {
                Matcher name = NAME.matcher(rows.getString(1));
                if (name.matches()) {
                    LocalDateTime day = LocalDate.parse(name.group(2), DAY).atStartOfDay();
                    partitions.add(name.group(1).equals("w")
                            ? new Partition(name.group(0), day, day.plusWeeks(1))
                            : new Partition(name.group(0), null, day));
                }
            }
        }
        partitions.sort((a, b) -> a.to().compareTo(b.to()));
        return partitions;
    }

    /**
     * Makes the weeks from the end of the last partition (or {@link #WEEKS_BEHIND} before now in
     * a new database) to {@link #WEEKS_AHEAD} after now, in the caller's transaction, moving any
     * rows of a new week out of the default partition; returns how many it made.
     */
    static int prepare(Connection connection, Instant now) throws SQLException {
        LocalDateTime thisWeek = LocalDate.ofInstant(now, ZoneOffset.UTC)
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay();
        List<Partition> partitions = list(connection);
        LocalDateTime week = partitions.isEmpty() ? thisWeek.minusWeeks(WEEKS_BEHIND) : partitions.get(partitions.size() - 1).to();
        LocalDateTime end = thisWeek.plusWeeks(WEEKS_AHEAD + 1);
        int made = 0;
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            for (; week.isBefore(end); week = week.plusWeeks(1)) {
                String name = "requests_w" + DAY.format(week);
                String range = "created_at >= '" + week + "' AND created_at < '" + week.plusWeeks(1) + "'";
                // made apart and attached, so that rows already in the default can move in first
                statement.execute("CREATE TABLE " + name + " (LIKE requests INCLUDING DEFAULTS)");
                statement.execute("WITH moved AS (DELETE FROM requests_default WHERE " + range + " RETURNING *) "
                        + "INSERT INTO " + name + " SELECT * FROM moved");
                statement.execute("ALTER TABLE requests ATTACH PARTITION " + name + " FOR VALUES FROM ('" + week
                        + "') TO ('" + week.plusWeeks(1) + "')");
                made++;
            }
        }
        if (made > 0) {
            LOG.log(System.Logger.Level.INFO, "made " + made + " weekly partition(s) of requests, up to " + end);
        }
        return made;
    }

    /**
     * Drops, in the caller's transaction, the partitions that end at or before {@code before};
     * returns how many rows they held.
     */
    static long dropBefore(Connection connection, LocalDateTime before) throws SQLException {
        long rows = 0;
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            for (Partition partition : list(connection)) {
                if (partition.to().isAfter(before)) {
                    break;
                }
                try (ResultSet count = statement.executeQuery("SELECT count(*) FROM " + partition.name())) {
                    count.next();
                    rows += count.getLong(1);
                }
                statement.execute("DROP TABLE " + partition.name());
                LOG.log(System.Logger.Level.INFO, "raw retention: dropping partition " + partition.name()
                        + " (rows made before " + partition.to() + ")");
            }
        }
        return rows;
    }

    /**
     * An index each closed partition gets, named {@code <partition><suffix>}, with its
     * {@code definition} after the table's name.
     */
    record ClosedIndex(String suffix, String definition) {}

    /**
     * The indexes of closed partitions, for the reads the summaries cannot answer, which would
     * otherwise scan the key's rows of the period (60 days of 10M rows):
     *
     * <ul>
     *   <li>{@code _users}: the key and user ({@link Schema#USER_KEY}), for the dashboard's user
     *       filter (1.5 s; 0.33 s with it, most of that the open week's scan). Without
     *       {@code created_at}, PostgreSQL keeps each user's rows of a week as one entry and a list
     *       of rows: 77 MB for 8M rows.
     *   <li>{@code _paths}: the key and path of rows whose path is not their route
     *       ({@link Schema#PATH_NOT_ROUTE}), for the check of paths hidden by their path alone
     *       (0.65 s, 0.16 s with it, the open week scanned); {@code text_pattern_ops}, so that a
     *       hidden pattern's constant prefix is a range of it whatever the database's collation.
     * </ul>
     */
    static final List<ClosedIndex> CLOSED_INDEXES = List.of(
            new ClosedIndex("_users", "(key_id, (" + Schema.USER_KEY + "))"),
            new ClosedIndex("_paths", "(key_id, path text_pattern_ops) WHERE " + Schema.PATH_NOT_ROUTE));

    /**
     * Gives every closed partition (see {@link #CLOSED_AFTER}) the {@link #CLOSED_INDEXES}, the
     * newest first, leaving out those that end within a week after {@code dropsBefore} (the raw-row
     * retention's horizon, or null): their drop would wait for a build on them, holding
     * {@code requests} meanwhile. The open weeks have none, as an index on every partition cost
     * PostgreSQL's ingestion a quarter of its rows a second (a user lands anywhere in it, where
     * {@code created_at} appends); their rows are a week's at most. Each index is built
     * {@code CONCURRENTLY}, so rows and reads go on while it builds, and waits at most
     * {@link #BUILD_LOCK_TIMEOUT} for a lock or an older transaction (a build that gives up leaves
     * an invalid index, which the next run drops and builds again). A partition dropped meanwhile
     * is passed over. Needs {@code connection} in autocommit; returns how many indexes it built.
     */
    static int indexClosed(Connection connection, Instant now, Instant dropsBefore) throws SQLException {
        LocalDateTime closedBefore = LocalDateTime.ofInstant(now.minus(CLOSED_AFTER), ZoneOffset.UTC);
        LocalDateTime droppedSoon = dropsBefore == null ? null
                : LocalDateTime.ofInstant(dropsBefore.plus(Duration.ofDays(7)), ZoneOffset.UTC);
        List<Partition> newestFirst = new ArrayList<>(list(connection));
        Collections.reverse(newestFirst);
        int built = 0;
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET lock_timeout = '" + BUILD_LOCK_TIMEOUT + "'");
            try {
                for (Partition partition : newestFirst) {
                    if (partition.to().isAfter(closedBefore) || droppedSoon != null && !partition.to().isAfter(droppedSoon)) {
                        continue;
                    }
                    for (ClosedIndex kind : CLOSED_INDEXES) {
                        String index = partition.name() + kind.suffix();
                        if (build(connection, statement, partition.name(), index, kind.definition())) {
                            built++;
                        }
                    }
                }
            } finally {
                statement.execute("RESET lock_timeout");
            }
        }
        return built;
    }

    /** Builds {@code index} on {@code partition} unless it is there and valid, or the partition is gone; true when built. */
    private static boolean build(Connection connection, Statement statement, String partition, String index, String definition)
            throws SQLException {
        Boolean valid = indexValid(connection, index);
        if (Boolean.TRUE.equals(valid)) {
            return false;
        }
        long start = System.nanoTime();
        try {
            if (valid != null) {
                statement.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
            }
            statement.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS " + index + " ON " + partition + " " + definition);
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return false; // dropped by the raw-row retention since it was listed
            }
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "built " + index + " of a closed week in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        return true;
    }

    /** Whether index {@code name} (as an unqualified name resolves) is valid, or null when there is none. */
    private static Boolean indexValid(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(?)")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getBoolean(1) : null;
            }
        }
    }
}
