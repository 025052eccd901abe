package dev.apianalytics.server.summary;

import dev.apianalytics.server.storage.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Keeps {@link Summaries} up to date: summarises every hour once it is {@link #LAG} old, a day of
 * hours per transaction (so the first run over an existing database catches up in steps), then
 * redoes the hours that received late rows. Each transaction runs under
 * {@link Storage#maintain} (or, for one key's late hours, {@link Storage#maintainKey}), so it
 * never races a deletion, and on PostgreSQL only one collector does the work.
 *
 * <p>Late hours cost what their rows cost, not what their number costs: a transaction claims up
 * to {@link #LATE_HOURS_PER_CHUNK} marked hours of one key, fewer where their rows pass
 * {@link #DEFAULT_LATE_ROWS_PER_CHUNK}, copies their rows in one join, and
 * summarises the copy with the same few statements as any other span. Keys take turns a chunk at
 * a time, each at most {@link #LATE_CHUNKS_PER_KEY} chunks per run, so a key flooding late rows
 * delays only its own summaries; another key's deletion never waits for it, and the key's own
 * waits for one chunk at most.
 */
public final class SummaryJob {

    /**
     * The lateness rule: rows stored later than this after they were made mark their hour in
     * {@link dev.apianalytics.server.storage.Schema#LATE_HOURS} (storage is opened with it),
     * and the job summarises such hours again.
     */
    public static final Duration LATE_AFTER = Duration.ofMinutes(5);

    /**
     * How old an hour's end must be before it is summarised: well past {@link #LATE_AFTER}, so
     * that a row inserted in time but committed slowly is still seen by its hour's first summary.
     */
    public static final Duration LAG = LATE_AFTER.multipliedBy(3);

    /**
     * Late hours of one key redone per transaction, which holds that key's maintenance lock: a
     * chunk costs a dozen statements whatever its size, plus its rows.
     */
    static final int LATE_HOURS_PER_CHUNK = 1024;
    /**
     * Rows of one key's late hours redone per transaction, but for an hour that alone holds more:
     * a backlog of 10M rows posted at once was one transaction of more than five minutes on
     * PostgreSQL, that held up every other key's summaries and the key's own deletion.
     */
    public static final int DEFAULT_LATE_ROWS_PER_CHUNK = 250_000;
    /** Chunks per key per run: a key with more late hours is caught up over the next runs. */
    static final int LATE_CHUNKS_PER_KEY = 8;
    /** Chunks per run over all keys, so one run stays short however many keys have late rows. */
    static final int LATE_CHUNKS_PER_RUN = 64;

    private static final Duration CHUNK = Duration.ofDays(1);
    /** Fewer rows than this in a backfilled stretch make the next one eight times as long, up to {@link #MAX_BACKFILL}. */
    private static final long LIGHT_ROWS = 100_000;
    private static final Duration MAX_BACKFILL = Duration.ofDays(512);
    /** After this long a run begins no new stretch of extending the finer summaries back (the job runs once a minute). */
    static final Duration BACKFILL_PER_RUN = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(SummaryJob.class.getName());

    /** {@code rollup_progress} row holding {@link #summarisedUntil}. */
    private static final int SUMMARISED_UNTIL = 1;
    /**
     * {@code rollup_progress} row holding {@link #finerFrom}: the finer summaries (quarter hours,
     * slices) came after the hourly ones, so on a database summarised before them they start where
     * the hourly ones stood, and {@link #backfillFiner} extends them back a day per transaction.
     */
    private static final int FINER_FROM = 2;
    /**
     * {@code rollup_progress} row holding {@link #daysUntil}: the day tables lag the hours where an
     * older collector sharing the database summarised them.
     */
    private static final int DAYS_UNTIL = 3;
    /**
     * {@code rollup_progress} row holding {@link #sliceQuarterUsersFrom}: the slices' users per
     * quarter hour came after the slices, so on a database summarised before them they start where
     * the hours stood at the upgrade, and go back with the finer summaries' backfill that follows.
     */
    private static final int SLICE_QUARTER_USERS_FROM = 4;
    /** {@link #finerFrom} once the finer summaries cover every hour that has rows. */
    private static final Instant EVERY_HOUR = Instant.EPOCH;

    private final Storage storage;
    private final Clock clock;
    private final Supplier<Instant> rawRowsFrom;
    private final int lateRowsPerChunk;
    /** The key whose late hours were redone last: the next run starts after it, so every key gets its turn. */
    private volatile long lastLateKey;

    public SummaryJob(Storage storage, Clock clock) {
        this(storage, clock, () -> null);
    }

    /**
     * With {@code rawRowsFrom} telling where complete raw rows start now (null when all are
     * kept): the finer summaries are never backfilled from hours whose rows retention deletes.
     */
    public SummaryJob(Storage storage, Clock clock, Supplier<Instant> rawRowsFrom) {
        this(storage, clock, rawRowsFrom, DEFAULT_LATE_ROWS_PER_CHUNK);
    }

    /** With at most {@code lateRowsPerChunk} rows of late hours redone per transaction (tests use a few hundred). */
    public SummaryJob(Storage storage, Clock clock, Supplier<Instant> rawRowsFrom, int lateRowsPerChunk) {
        if (lateRowsPerChunk < 1) {
            throw new IllegalArgumentException("lateRowsPerChunk must be positive: " + lateRowsPerChunk);
        }
        this.storage = storage;
        this.clock = clock;
        this.rawRowsFrom = rawRowsFrom;
        this.lateRowsPerChunk = lateRowsPerChunk;
    }

    /** Until when every hour is summarised (exclusive), or null before the first run. */
    public static Instant summarisedUntil(Connection connection) throws SQLException {
        return progress(connection, SUMMARISED_UNTIL);
    }

    /** SQL for {@link #summarisedUntil}: one row, {@code rolled_until}, or none. */
    static final String SUMMARISED_UNTIL_SELECT = progressSelect(SUMMARISED_UNTIL);

    /**
     * From which hour on the finer summaries ({@link Summaries#FINER_TABLES}) exist, up to
     * {@link #summarisedUntil}; null before the first run. Views that need them further back read
     * the rows.
     */
    public static Instant finerFrom(Connection connection) throws SQLException {
        return progress(connection, FINER_FROM);
    }

    /**
     * From which hour on the slices' sketches hold their users per quarter hour
     * ({@code quarter_users}), up to {@link #summarisedUntil}; null before the first run. Before it,
     * a view of a zone offset by 30 or 45 minutes reads the users of the hours two of its activity
     * buckets share from the rows.
     */
    public static Instant sliceQuarterUsersFrom(Connection connection) throws SQLException {
        return progress(connection, SLICE_QUARTER_USERS_FROM);
    }

    /**
     * Until when (a UTC midnight, exclusive) the day tables ({@link Summaries#DAY_TABLES}) hold
     * every day, or null before the first run; views read no day after it from them.
     */
    public static Instant daysUntil(Connection connection) throws SQLException {
        return progress(connection, DAYS_UNTIL);
    }

    /**
     * Whether any of the key's summarised hours from {@code from} until {@code until} waits to be
     * redone for late rows: until then its summaries lack those rows.
     */
    public static boolean hasLateHours(Connection connection, long keyId, Instant from, Instant until) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM late_hours WHERE key_id = ? AND hour >= ? AND hour < ? LIMIT 1")) {
            Storage.bind(select, List.of(keyId, Storage.utc(from.truncatedTo(ChronoUnit.HOURS)), Storage.utc(until)));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static String progressSelect(int id) {
        return "SELECT rolled_until FROM rollup_progress WHERE id = " + id;
    }

    private static Instant progress(Connection connection, int id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(progressSelect(id));
                ResultSet rows = select.executeQuery()) {
            return rows.next() ? Storage.instant(rows, 1) : null;
        }
    }

    /**
     * Summarises what is due and redoes late hours up to this run's share; returns until when
     * every hour is summarised.
     */
    public Instant run() throws SQLException {
        Instant target = clock.instant().minus(LAG).truncatedTo(ChronoUnit.HOURS);
        Instant until;
        do {
            until = storage.maintain(connection -> step(connection, target));
        } while (until.isBefore(target));
        backfillFiner();
        redoLateHours(Storage.utc(until));
        return until;
    }

    /**
     * Extends the finer summaries back to the first row, or to where retention keeps rows whole,
     * a day per transaction, beginning no new one after {@link #BACKFILL_PER_RUN} of a run, so
     * that new hours and late ones are never held up for long by an upgrade's backfill of a big
     * database (a stretch begun may take longer: light days are taken many at a time); does
     * nothing once done.
     */
    private void backfillFiner() throws SQLException {
        long deadline = System.nanoTime() + BACKFILL_PER_RUN.toNanos();
        Instant floor = rawRowsFrom.get();
        Instant[] firstHour = new Instant[1];
        // a day at a time, longer stretches while days are light (months of a late post are mostly empty)
        Duration[] span = {CHUNK};
        while (System.nanoTime() < deadline && storage.maintain(connection -> {
            Instant covered = finerFrom(connection);
            if (covered == null || covered.equals(EVERY_HOUR) || floor != null && !covered.isAfter(floor)) {
                return false;
            }
            if (firstHour[0] == null) {
                // older rows can only arrive late, and their hours are then redone whole, quarters included
                Instant first = firstRequest(connection);
                firstHour[0] = first == null ? covered : first.truncatedTo(ChronoUnit.HOURS);
            }
            Instant lower = floor != null && floor.isAfter(firstHour[0]) ? floor : firstHour[0];
            if (!covered.isAfter(lower)) {
                saveFinerFrom(connection, covered, EVERY_HOUR);
                return false;
            }
            Instant from = covered.minus(span[0]).isAfter(lower) ? covered.minus(span[0]) : lower;
            List<Object> range = List.of(Storage.utc(from), Storage.utc(covered));
            // a late hour redone meanwhile already has them
            for (String table : Summaries.FINER_TABLES) {
                update(connection, "DELETE FROM " + table + " WHERE hour >= ? AND hour < ?", range.toArray());
            }
            long rows = summarise(connection, "requests", "created_at >= ? AND created_at < ?", range, false);
            rollUpDays(connection, null, from.truncatedTo(ChronoUnit.DAYS), endOfDay(covered), Summaries.DAY_TABLES.stream()
                    .filter(table -> Summaries.FINER_TABLES.contains(table.hourly())).toList());
            span[0] = rows >= LIGHT_ROWS ? CHUNK : span[0].multipliedBy(8).compareTo(MAX_BACKFILL) > 0 ? MAX_BACKFILL
                    : span[0].multipliedBy(8);
            saveFinerFrom(connection, covered, from);
            return true;
        })) {
            LOG.log(System.Logger.Level.DEBUG, "summaries: finer summaries extended back");
        }
    }

    /**
     * Saves that the finer summaries, which started at {@code covered}, now start at {@code from},
     * and the slices' users per quarter hour with them where those started there too: the
     * backfill writes them as it goes.
     */
    private static void saveFinerFrom(Connection connection, Instant covered, Instant from) throws SQLException {
        saveProgress(connection, FINER_FROM, from);
        if (covered.equals(sliceQuarterUsersFrom(connection))) {
            saveProgress(connection, SLICE_QUARTER_USERS_FROM, from);
        }
    }

    /** Summarises up to a day of the hours before {@code target}; returns the new progress. */
    private static Instant step(Connection connection, Instant target) throws SQLException {
        Instant from = summarisedUntil(connection);
        if (from == null) {
            // the first run summarises every row there is: earlier late marks are moot
            try (PreparedStatement clear = connection.prepareStatement("DELETE FROM late_hours")) {
                clear.executeUpdate();
            }
            Instant first = firstRequest(connection);
            from = first == null ? target : first.truncatedTo(ChronoUnit.HOURS);
        }
        if (finerFrom(connection) == null) {
            // a new database, or the first run since the finer summaries came: they start here
            saveProgress(connection, FINER_FROM, from);
        }
        if (sliceQuarterUsersFrom(connection) == null) {
            saveProgress(connection, SLICE_QUARTER_USERS_FROM, from);
        }
        if (!from.isBefore(target)) {
            saveProgress(connection, SUMMARISED_UNTIL, from);
            rollUpCompletedDays(connection, from);
            return from;
        }
        Instant to = from.plus(CHUNK).isBefore(target) ? from.plus(CHUNK) : target;
        summarise(connection, "requests", "created_at >= ? AND created_at < ?", List.of(Storage.utc(from), Storage.utc(to)), true);
        saveProgress(connection, SUMMARISED_UNTIL, to);
        rollUpCompletedDays(connection, to);
        return to;
    }

    /**
     * Sums the days completed before {@code summarised} since {@link #daysUntil}, once each (a day
     * of a key's hours costs PostgreSQL about a second to sum at 1M rows a month, where summarising
     * an hour costs a fraction of one), including days an older collector sharing the database
     * summarised without them.
     */
    private static void rollUpCompletedDays(Connection connection, Instant summarised) throws SQLException {
        Instant endDay = summarised.truncatedTo(ChronoUnit.DAYS);
        Instant until = daysUntil(connection);
        Instant firstDay = until;
        if (firstDay == null) {
            // a new database: its first hour's day, or nothing yet
            Instant first = firstRequest(connection);
            firstDay = first == null ? endDay : first.truncatedTo(ChronoUnit.DAYS);
        }
        if (firstDay.isBefore(endDay)) {
            rollUpDays(connection, null, firstDay, endDay, Summaries.DAY_TABLES);
        }
        if (!endDay.equals(until)) {
            saveProgress(connection, DAYS_UNTIL, endDay);
        }
    }

    /**
     * Redoes the summarised hours (before {@code summarised}) marked late, in rounds: each key with
     * marks gets one chunk per round, keys in turn from after the last one served.
     */
    private void redoLateHours(LocalDateTime summarised) throws SQLException {
        int budget = LATE_CHUNKS_PER_RUN;
        long hours = 0;
        for (int round = 0; round < LATE_CHUNKS_PER_KEY && budget > 0; round++) {
            List<Long> keys = lateKeys(summarised);
            if (keys.isEmpty()) {
                break;
            }
            for (int i = 0; i < keys.size() && budget > 0; i++, budget--) {
                long keyId = keys.get(i);
                hours += storage.maintainKey(keyId, connection -> redoChunk(connection, keyId, summarised, lateRowsPerChunk));
                lastLateKey = keyId;
            }
        }
        if (hours > 0) {
            LOG.log(System.Logger.Level.DEBUG, "summaries: redid " + hours + " hour(s) that received late rows");
        }
        rollUpMarkedDays();
    }

    /**
     * Sums again the days whose hours were redone for late rows ({@link Summaries#DAY_MARKS}),
     * once per key and run however many chunks touched them: a statement per day table costs DuckDB
     * about as much for a day as for a year of them, and an attack of late rows spread over 14
     * months took ten chunks. Until then those days' panels lag their hours by the run's length, as
     * late rows lag until redone; marks left by a run that stopped are taken by the next.
     */
    private void rollUpMarkedDays() throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT DISTINCT key_id FROM " + Summaries.DAY_MARKS);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                keys.add(rows.getLong(1));
            }
        }
        for (long keyId : keys) {
            storage.maintainKey(keyId, connection -> {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT min(day), max(day) FROM " + Summaries.DAY_MARKS + " WHERE key_id = ?")) {
                    select.setLong(1, keyId);
                    try (ResultSet rows = select.executeQuery()) {
                        rows.next();
                        Instant first = Storage.instant(rows, 1);
                        if (first != null) {
                            update(connection, "DELETE FROM " + Summaries.DAY_MARKS + " WHERE key_id = ?", keyId);
                            rollUpDays(connection, keyId, first, Storage.instant(rows, 2).plus(1, ChronoUnit.DAYS),
                                    Summaries.DAY_TABLES);
                        }
                    }
                }
                return null;
            });
        }
    }

    /** The keys with late hours before {@code summarised}, starting after {@link #lastLateKey} and wrapping round. */
    private List<Long> lateKeys(LocalDateTime summarised) throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT DISTINCT key_id FROM late_hours WHERE hour < ? ORDER BY key_id")) {
            select.setObject(1, summarised);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getLong(1));
                }
            }
        }
        int after = 0;
        while (after < keys.size() && keys.get(after) <= lastLateKey) {
            after++;
        }
        Collections.rotate(keys, -after);
        return keys;
    }

    /**
     * Redoes up to {@link #LATE_HOURS_PER_CHUNK} of one key's late hours, earliest first, as many
     * as hold {@code maxRows} rows (at least one), with a fixed number of statements whatever their
     * number; returns how many. The marks are claimed before the rows are read, so a late row
     * committed meanwhile marks its hour again (or is already visible) and is never missed.
     */
    private static int redoChunk(Connection connection, long keyId, LocalDateTime summarised, int maxRows)
            throws SQLException {
        // each temporary table is filled by the statement that creates it: DuckDB 2.0 reads a table
        // created and then filled with a row group or more (122,880 rows) in one transaction as
        // empty, which once lost every late row of a big backlog (SummariesContract)
        update(connection, "CREATE TEMP TABLE late_claim AS SELECT DISTINCT hour FROM late_hours WHERE key_id = ? "
                + "AND hour < ? ORDER BY hour LIMIT " + LATE_HOURS_PER_CHUNK, keyId, summarised);
        Claim claim = Claim.read(connection);
        if (claim.hours() > 0) {
            LocalDateTime cut = hourPastRows(connection, keyId, claim.first(), claim.last(), maxRows);
            if (cut != null) {
                // the hours before the one that passes maxRows, or the first alone when it does
                update(connection, "DELETE FROM late_claim WHERE hour >= ?", cut.equals(claim.first()) ? cut.plusHours(1) : cut);
                claim = Claim.read(connection);
            }
            LocalDateTime first = claim.first();
            LocalDateTime last = claim.last();
            String claimed = " AND hour IN (SELECT hour FROM late_claim)";
            update(connection, "DELETE FROM late_hours WHERE key_id = ? AND hour >= ? AND hour <= ?" + claimed, keyId, first, last);
            for (String table : Summaries.TABLES) {
                update(connection, "DELETE FROM " + table + " WHERE key_id = ? AND hour >= ? AND hour <= ?" + claimed,
                        keyId, first, last);
            }
            // the rows of the claimed hours, in one join (the range lets DuckDB skip row groups and
            // PostgreSQL use its (key_id, created_at) index)
            summarise(connection, "requests r JOIN late_claim c ON r.created_at >= c.hour AND r.created_at < c.hour + INTERVAL '1 hour'",
                    "r.key_id = ? AND r.created_at >= ? AND r.created_at < ?", List.of(keyId, first, last.plusHours(1)), true);
            // their days are summed again once the run's chunks are done (rollUpMarkedDays)
            update(connection, "INSERT INTO " + Summaries.DAY_MARKS + " (key_id, day) SELECT DISTINCT CAST(? AS BIGINT), "
                    + "date_trunc('day', hour) FROM late_claim", keyId);
        }
        execute(connection, "DROP TABLE late_claim");
        return claim.hours();
    }

    /** The hours in {@code late_claim}: how many, the first and the last (null when none). */
    private record Claim(int hours, LocalDateTime first, LocalDateTime last) {

        static Claim read(Connection connection) throws SQLException {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*), min(hour), max(hour) FROM late_claim");
                    ResultSet rows = select.executeQuery()) {
                rows.next();
                return new Claim(rows.getInt(1), rows.getObject(2, LocalDateTime.class), rows.getObject(3, LocalDateTime.class));
            }
        }
    }

    /**
     * The hour of the claimed hours' row after their first {@code maxRows} (in time order), or null
     * when they hold no more: PostgreSQL walks its (key_id, created_at) index in order and stops
     * there, so finding it costs about the rows the chunk keeps (a join with the claims would sort
     * them all); DuckDB keeps the earliest in a heap while it scans the claimed range.
     */
    private static LocalDateTime hourPastRows(Connection connection, long keyId, LocalDateTime first, LocalDateTime last,
            int maxRows) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT created_at FROM requests WHERE key_id = ? "
                + "AND created_at >= ? AND created_at < ? AND " + Summaries.HOUR + " IN (SELECT hour FROM late_claim) "
                + "ORDER BY created_at LIMIT 1 OFFSET " + maxRows)) {
            Storage.bind(select, List.of(keyId, first, last.plusHours(1)));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getObject(1, LocalDateTime.class).truncatedTo(ChronoUnit.HOURS) : null;
            }
        }
    }

    /**
     * Computes {@code tables} ({@link Summaries#DAY_TABLES}) again for the UTC days from
     * {@code firstDay} to {@code endDay}, of one key or (null) of all, from their hours: a day
     * completed, or redone for late rows, is always its hours' sum. A view reads a day only once
     * all its hours are summarised.
     */
    private static void rollUpDays(Connection connection, Long keyId, Instant firstDay, Instant endDay,
            List<Summaries.DayTable> tables) throws SQLException {
        String key = keyId == null ? "" : "key_id = " + keyId + " AND ";
        for (Summaries.DayTable table : tables) {
            update(connection, "DELETE FROM " + table.name() + " WHERE " + key + "day >= ? AND day < ?", Storage.utc(firstDay),
                    Storage.utc(endDay));
            update(connection, "INSERT INTO " + table.name() + " " + table.select(key + "hour >= ? AND hour < ?"),
                    Storage.utc(firstDay), Storage.utc(endDay));
        }
    }

    /** The end of the UTC day that holds the instant just before {@code end}. */
    private static Instant endOfDay(Instant end) {
        return end.minusNanos(1).truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Storage.bind(statement, List.of(parameters));
            return statement.executeUpdate();
        }
    }

    /**
     * Stores the summaries of the rows in {@code rows} (a table like {@code requests}, or a join
     * with one) matching {@code where} (in whole hours), read once into {@link Summaries#COPIED_ROWS}
     * by one statement that creates and fills it (see {@link #redoChunk} on DuckDB): the hourly
     * tables with {@code hourly}, the finer ones always; returns how many rows it read.
     */
    static long summarise(Connection connection, String rows, String where, List<Object> parameters, boolean hourly)
            throws SQLException {
        String copied = Summaries.COPIED_ROWS;
        update(connection, "CREATE TEMP TABLE " + copied + " AS " + Summaries.copiedRowsSelect(rows, where), parameters.toArray());
        if (hourly) {
            update(connection, "INSERT INTO rollup_endpoints (key_id, hour, hostname, bot, status, method, endpoint, requests, "
                    + "time_sum) " + Summaries.endpointsSelect(copied, "TRUE"));
            update(connection, "INSERT INTO rollup_values (key_id, hour, hostname, bot, not_found, dimension, value, requests) "
                    + Summaries.valuesSelect(copied, "TRUE"));
            update(connection, "INSERT INTO rollup_top_users (key_id, hour, hostname, bot, not_found, user_key, requests, "
                    + "successes, last_seen) " + Summaries.usersSelect(copied, "TRUE", Summaries.TOP_USERS_PER_HOUR));
        }
        long read = summariseFiner(connection, hourly);
        execute(connection, "DROP TABLE " + copied);
        return read;
    }

    /**
     * Stores the finer summaries of {@link Summaries#COPIED_ROWS} (quarter hours, slices), and with
     * {@code hourly} the hourly sketches, which come from the same pass over the rows; returns how
     * many rows it read.
     */
    private static long summariseFiner(Connection connection, boolean hourly) throws SQLException {
        String rows = Summaries.COPIED_ROWS;
        String where = "TRUE";
        int quarters = update(connection, "INSERT INTO rollup_quarters (key_id, hour, hostname, bot, not_found, quarter, requests, "
                + "successes, time_sum) " + Summaries.quartersSelect(rows, where));
        if (quarters == 0) {
            return 0;
        }
        long read = 0;
        List<Integer> all = Summaries.ALL_SLICES;
        int slices = all.size();
        update(connection, "INSERT INTO rollup_slice_endpoints (key_id, hour, hostname, bot, slice, slice_value, status, method, "
                + "endpoint, requests, time_sum) " + Summaries.sliceEndpointsSelect(rows, where, all, null));
        update(connection, "INSERT INTO rollup_slice_values (key_id, hour, hostname, bot, not_found, slice, slice_value, dimension, "
                + "value, requests) " + Summaries.sliceValuesSelect(rows, where, all, null));
        update(connection, "INSERT INTO rollup_slice_quarters (key_id, hour, hostname, bot, not_found, slice, slice_value, quarter, "
                + "requests, successes, time_sum) " + Summaries.sliceQuartersSelect(rows, where, all, null));
        update(connection, "INSERT INTO rollup_slice_top_users (key_id, hour, hostname, bot, not_found, slice, slice_value, user_key, "
                + "requests, successes, last_seen) " + Summaries.sliceUsersSelect(rows, where, Summaries.TOP_USERS_PER_SLICE, all, null));
        // rows in key and hour order, so that one key's hour is in memory at a time however many keys there are
        try (PreparedStatement select = connection.prepareStatement(Summaries.sketchRowsSelect(rows, where) + " ORDER BY 1, 2");
                SketchWriter writer = new SketchWriter(connection, hourly)) {
            select.setFetchSize(10_000);
            Map<Split, HourSketches> hour = new HashMap<>();
            long currentKey = 0;
            long currentHour = Long.MIN_VALUE;
            try (ResultSet found = select.executeQuery()) {
                while (found.next()) {
                    read++;
                    long keyId = found.getLong(1);
                    long epochHour = found.getLong(2);
                    if (keyId != currentKey || epochHour != currentHour) {
                        writer.add(hour);
                        currentKey = keyId;
                        currentHour = epochHour;
                    }
                    Split split = new Split(keyId, LocalDateTime.ofEpochSecond(epochHour, 0, ZoneOffset.UTC), found.getString(3),
                            found.getBoolean(4), found.getBoolean(5));
                    HourSketches sketches = hour.computeIfAbsent(split, s -> new HourSketches());
                    double responseTime = found.getDouble(6);
                    String ip = found.getString(7);
                    String userId = found.getString(8);
                    String userKey = userId != null ? userId : ip;
                    Long user = userKey == null ? null : DistinctSketch.hash(userKey);
                    int quarter = found.getInt(9);
                    sketches.add(responseTime, ip, userId, user, quarter);
                    for (int slice = 1; slice <= slices; slice++) {
                        String value = found.getString(9 + slice);
                        if (value != null) {
                            sketches.slice(slice, value).add(responseTime, ip, userId, user, quarter);
                        }
                    }
                }
            }
            writer.add(hour);
        }
        return read;
    }

    /**
     * Writes the sketches of each hour: the hourly ones (when asked), the users per quarter and the
     * sketches per slice value, each with its users per quarter in one value ({@code quarter_users}).
     * Hours with few requests (late rows scattered over months) would cost a statement each, so
     * rows go many at a time through {@link BulkInsert}. Holds only serialised sketches, a
     * bounded number of them.
     */
    private static final class SketchWriter implements AutoCloseable {
        private final BulkInsert hourly;
        private final BulkInsert quarters;
        /** By slice number from 1. */
        private final List<BulkInsert> slices = new ArrayList<>();

        SketchWriter(Connection connection, boolean hourly) throws SQLException {
            // an appender failing to open closes the ones opened before it
            try {
                this.hourly = hourly ? new BulkInsert(connection, "rollup_sketches",
                        "key_id, hour, hostname, bot, not_found, latency, ips, user_ids, users") : null;
                this.quarters = new BulkInsert(connection, "rollup_quarter_users", "key_id, hour, hostname, bot, not_found, quarter, users");
                for (String table : Summaries.SLICE_SKETCH_TABLES) {
                    slices.add(new BulkInsert(connection, table, "key_id, hour, hostname, bot, not_found, slice_value, latency, "
                            + "ips, user_ids, users, quarter_users"));
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        /** Takes one key's hour of sketches, serialised, and empties {@code hour}. */
        void add(Map<Split, HourSketches> hour) throws SQLException {
            for (Map.Entry<Split, HourSketches> entry : hour.entrySet()) {
                Split split = entry.getKey();
                HourSketches sketches = entry.getValue();
                if (hourly != null) {
                    byte[][] bytes = sketches.toBytes();
                    hourly.add(split.keyId(), split.hour(), split.hostname(), split.bot(), split.notFound(), bytes[0], bytes[1],
                            bytes[2], bytes[3]);
                }
                for (Map.Entry<SliceValue, Sketches> slice : sketches.slices.entrySet()) {
                    byte[][] bytes = slice.getValue().toBytes();
                    slices.get(slice.getKey().slice() - 1).add(split.keyId(), split.hour(), split.hostname(), split.bot(),
                            split.notFound(), slice.getKey().value(), bytes[0], bytes[1], bytes[2], bytes[3],
                            DistinctSketch.joinBytes(slice.getValue().quarterUsers));
                }
                for (short quarter = 0; quarter < 4; quarter++) {
                    DistinctSketch users = sketches.quarterUsers[quarter];
                    if (users != null) {
                        quarters.add(split.keyId(), split.hour(), split.hostname(), split.bot(), split.notFound(), quarter,
                                users.toBytes());
                    }
                }
            }
            hour.clear();
        }

        @Override
        public void close() throws SQLException {
            // closing flushes their rows into the transaction; every one is closed whatever fails
            SQLException failed = null;
            for (BulkInsert insert : Stream.concat(Stream.of(hourly, quarters), slices.stream()).toList()) {
                try {
                    if (insert != null) {
                        insert.close();
                    }
                } catch (SQLException e) {
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        }
    }

    /**
     * Inserts rows into one table many at a time: on DuckDB through its appender, as a
     * parameterised insert of many rows costs it more to plan than to run; elsewhere in
     * multi-row inserts. Values are {@code Long}, {@code Short}, {@code Boolean}, {@code String},
     * {@code LocalDateTime}, {@code byte[]} or null (a {@code VARCHAR}).
     */
    private static final class BulkInsert implements AutoCloseable {
        private static final int ROWS_PER_STATEMENT = 256;

        private final Connection connection;
        private final String insert;
        private final String row;
        private final DuckDBAppender appender;
        private final List<Object[]> pending = new ArrayList<>();
        private PreparedStatement full;

        BulkInsert(Connection connection, String table, String columns) throws SQLException {
            this.connection = connection;
            this.insert = "INSERT INTO " + table + " (" + columns + ") VALUES ";
            this.row = "(" + String.join(", ", Collections.nCopies(columns.split(",").length, "?")) + ")";
            this.appender = connection.isWrapperFor(DuckDBConnection.class) ? connection.unwrap(DuckDBConnection.class)
                    .createAppender(DuckDBConnection.DEFAULT_SCHEMA, table) : null;
        }

        void add(Object... values) throws SQLException {
            if (appender == null) {
                pending.add(values);
                if (pending.size() == ROWS_PER_STATEMENT) {
                    if (full == null) {
                        full = prepare(ROWS_PER_STATEMENT);
                    }
                    insert(full);
                }
                return;
            }
            appender.beginRow();
            for (Object value : values) {
                if (value == null) {
                    appender.appendNull();
                } else if (value instanceof Long number) {
                    appender.append(number.longValue());
                } else if (value instanceof Short number) {
                    appender.append(number.shortValue());
                } else if (value instanceof Boolean bool) {
                    appender.append(bool.booleanValue());
                } else if (value instanceof String text) {
                    appender.append(text);
                } else if (value instanceof LocalDateTime time) {
                    appender.append(time);
                } else {
                    appender.append((byte[]) value);
                }
            }
            appender.endRow();
        }

        private PreparedStatement prepare(int rows) throws SQLException {
            return connection.prepareStatement(insert + String.join(", ", Collections.nCopies(rows, row)));
        }

        private void insert(PreparedStatement statement) throws SQLException {
            int p = 0;
            for (Object[] values : pending) {
                for (Object value : values) {
                    if (value == null) {
                        statement.setString(++p, null);
                    } else if (value instanceof byte[] bytes) {
                        statement.setBytes(++p, bytes);
                    } else {
                        statement.setObject(++p, value);
                    }
                }
            }
            statement.executeUpdate();
            pending.clear();
        }

        @Override
        public void close() throws SQLException {
            try (DuckDBAppender closing = appender; PreparedStatement closingFull = full) {
                // closing the appender flushes its rows into the transaction
                if (!pending.isEmpty()) {
                    try (PreparedStatement some = prepare(pending.size())) {
                        insert(some);
                    }
                }
            }
        }
    }

    /** One hour of one key, split as the summaries are. */
    private record Split(long keyId, LocalDateTime hour, String hostname, boolean bot, boolean notFound) {}

    /**
     * The mergeable summaries of some rows, with their users per quarter hour (a quarter with
     * requests has a sketch, however few users).
     */
    private static class Sketches {
        final LatencyHistogram latency = new LatencyHistogram();
        final DistinctSketch ips = new DistinctSketch();
        final DistinctSketch userIds = new DistinctSketch();
        final DistinctSketch users = new DistinctSketch();
        final DistinctSketch[] quarterUsers = new DistinctSketch[4];

        /**
         * Counts a request made in {@code quarter} of its hour; {@code user} is the
         * {@link DistinctSketch#hash} of its user id, else IP, null without either.
         */
        void add(double responseTime, String ip, String userId, Long user, int quarter) {
            latency.add(responseTime);
            ips.add(ip);
            userIds.add(userId);
            if (quarterUsers[quarter] == null) {
                quarterUsers[quarter] = new DistinctSketch();
            }
            if (user != null) {
                users.addHash(user);
                quarterUsers[quarter].addHash(user);
            }
        }

        byte[][] toBytes() {
            return new byte[][] {latency.toBytes(), ips.toBytes(), userIds.toBytes(), users.toBytes()};
        }
    }

    /** The sketches of one hour and split, with its sketches per slice value. */
    private static final class HourSketches extends Sketches {
        final Map<SliceValue, Sketches> slices = new HashMap<>();

        Sketches slice(int slice, String value) {
            return slices.computeIfAbsent(new SliceValue(slice, value), v -> new Sketches());
        }
    }

    private record SliceValue(int slice, String value) {}

    private static Instant firstRequest(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT min(created_at) FROM requests");
                ResultSet rows = select.executeQuery()) {
            return rows.next() ? Storage.instant(rows, 1) : null;
        }
    }

    private static void saveProgress(Connection connection, int id, Instant value) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE rollup_progress SET rolled_until = ? WHERE id = " + id)) {
            update.setObject(1, Storage.utc(value));
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rollup_progress (id, rolled_until) VALUES (" + id
                + ", ?)")) {
            insert.setObject(1, Storage.utc(value));
            insert.executeUpdate();
        }
    }
}
