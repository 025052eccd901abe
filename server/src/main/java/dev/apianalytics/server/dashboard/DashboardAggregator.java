package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.DashboardData.ActivityPoint;
import dev.apianalytics.server.dashboard.DashboardData.Count;
import dev.apianalytics.server.dashboard.DashboardData.HistogramBucket;
import dev.apianalytics.server.dashboard.DashboardData.Metric;
import dev.apianalytics.server.dashboard.DashboardData.Percentiles;
import dev.apianalytics.server.dashboard.DashboardData.Summary;
import dev.apianalytics.server.dashboard.DashboardData.UserRow;
import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.storage.PostgresStorage;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.SummaryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Computes every panel of the dashboard from the key's filtered rows: on DuckDB in the database,
 * with about a dozen grouped queries (the small breakdowns share one scan, the endpoint table and
 * the versions another), so the page receives a few kilobytes however many rows the key has; on
 * PostgreSQL by tallying the rows as they stream past once ({@link RowTally}) while they are few
 * enough, else with the same queries.
 */
final class DashboardAggregator {

    static final int TOP = Panels.TOP;
    private static final double[] HISTOGRAM_EDGES = Panels.HISTOGRAM_EDGES;

    private final Connection connection;
    private final Dialect dialect;
    /** Where the panels read the rows: {@code requests}, or a copy of a view's filtered rows. */
    private final String source;
    /** Where a streamed view takes a second connection, and its thread; null for none. */
    private final Storage storage;
    private final Executor executor;
    /** The collector's permit to tally a view's rows ({@link #streamed}): one view at a time holds that memory. */
    private final Semaphore tallying;

    /** Works on {@code connection} alone, with its panels' queries ({@link #streamed} tallies on it alone). */
    DashboardAggregator(Connection connection, Dialect dialect) {
        this(connection, dialect, "requests", null, null, new Semaphore(1));
    }

    /**
     * Works on {@code connection}, and where {@code storage} spares one, on a second in
     * {@code executor}'s threads; tallies a view's rows while it holds {@code tallying}'s permit,
     * the collector's one.
     */
    DashboardAggregator(Connection connection, Storage storage, Executor executor, Semaphore tallying) {
        this(connection, storage.dialect(), "requests", storage, executor, tallying);
    }

    private DashboardAggregator(Connection connection, Dialect dialect, String source, Storage storage, Executor executor,
            Semaphore tallying) {
        this.connection = connection;
        this.dialect = dialect;
        this.source = source;
        this.storage = storage;
        this.executor = executor;
        this.tallying = tallying;
    }

    DashboardData compute(long keyId, DashboardQuery query, Instant now) throws SQLException {
        // an aggregator without the collector's storage has not its permit to tally, and queries
        return compute(keyId, query, now, FilteredRows.maxRows(dialect), storage == null ? 0 : maxStreamedRows(dialect));
    }

    /**
     * The dashboard: the view's rows (the period's and the previous period's) tallied as they
     * stream past when they are no more than {@code maxStreamed} ({@link RowTally}; 0 for never),
     * else its panels' queries, over a copy of its filtered rows when those are no more than
     * {@code maxCopied}.
     */
    DashboardData compute(long keyId, DashboardQuery query, Instant now, int maxCopied, int maxStreamed) throws SQLException {
        Span span = Span.of(connection, keyId, query, now);
        DashboardSql sql = new DashboardSql(dialect, query, span.previousFrom(), span.to());
        Optional<DashboardData> streamed = maxStreamed > 0 ? streamed(keyId, query, span, sql, maxStreamed) : Optional.empty();
        if (streamed.isPresent()) {
            return streamed.get();
        }
        List<String> filters = new ArrayList<>(SummaryAggregator.rowFilters(query));
        if (sql.localRanges(span.previousFrom(), span.to()) != null) {
            // its time ranges narrow each panel's read already: on PostgreSQL through the index (copying
            // 42,000 rows of an hour in India cost more than it saved), on DuckDB a weekday's, whose days
            // are runs of row groups; an hour's rows lie in every row group, and DuckDB copies them
            filters.removeAll(dialect == Dialect.POSTGRESQL ? SummaryAggregator.LOCAL_TIME : List.of("weekday"));
        }
        if (!filters.isEmpty()) {
            // another filter: its rows are likely few, copied once rather than found by each panel's scan
            Optional<FilteredRows> filtered = FilteredRows.copy(connection, dialect, sql, keyId, span.previousFrom(), span.to(),
                    maxCopied);
            if (filtered.isPresent()) {
                try (FilteredRows copied = filtered.get()) {
                    return new DashboardAggregator(connection, dialect, copied.table(), null, null, tallying).panels(keyId, query, span, sql);
                }
            }
        }
        return panels(keyId, query, span, sql);
    }

    /**
     * The most rows of a period (and as many of the previous one) a view tallies in Java: 500,000 on
     * PostgreSQL, where a local hour in India over 30 days of 10M rows is 416,000 (0.56-0.71 s
     * tallied, 2.4 s in a dozen queries); none on DuckDB, whose queries read those rows in 0.16 s.
     * One such view runs at a time in a collector (its {@code tallying} permit), within
     * {@link #MAX_TALLY_BYTES} a half; a view with more rows, or arriving while one runs, reads its
     * panels in the database.
     */
    static int maxStreamedRows(Dialect dialect) {
        return dialect == Dialect.POSTGRESQL ? 500_000 : 0;
    }

    private static final System.Logger LOG = System.getLogger(DashboardAggregator.class.getName());
    /** The columns {@link RowTally#add} reads, in its order; {@link RowTally#addHeadline} reads the second to the fifth. */
    private static final String STREAMED_COLUMNS = "created_at, status, response_time, ip_address, user_id, location, client, "
            + "os, device, referrer, method, " + DashboardSql.ENDPOINT;
    private static final String HEADLINE_COLUMNS = "created_at, status, response_time, ip_address, user_id";

    /** The view tallied as its rows stream past, or empty when they are more than {@code maxRows} (see {@link #compute}). */
    Optional<DashboardData> streamed(long keyId, DashboardQuery query, Instant now, int maxRows) throws SQLException {
        Span span = Span.of(connection, keyId, query, now);
        return streamed(keyId, query, span, new DashboardSql(dialect, query, span.previousFrom(), span.to()), maxRows);
    }

    /**
     * The dashboard from the rows tallied in Java as they stream past, once ({@link RowTally}), or
     * empty when the period's are more than {@code maxRows} or hold more than
     * {@link #MAX_TALLY_BYTES} of distinct values (what was read is dropped, a fraction of what the
     * database then takes), while another view is still being tallied after a wait, or when reading them failed (the
     * queries then answer, or say what failed). Where the storage spares a second connection, the
     * first half of the period streams on it beside the second half: a stream keeps one core busy,
     * the database's turns and the tally's alternating. The previous period's headline is tallied
     * too, or, past the same bounds, queried.
     */
    private Optional<DashboardData> streamed(long keyId, DashboardQuery query, Span span, DashboardSql sql, int maxRows)
            throws SQLException {
        if (!awaitTurn()) {
            return Optional.empty();
        }
        // the rows the halves may yet read; negative once either gives up, which stops the other
        AtomicLong budget = new AtomicLong(maxRows);
        CompletableFuture<Optional<RowTally>> firstHalf = null;
        try {
            Instant middle = span.from().plus(Duration.between(span.from(), span.to()).dividedBy(2));
            firstHalf = onSpareConnection(own -> {
                try {
                    return stopOthersUnless(tally(own, sql, keyId, span, span.from(), middle, maxRows, budget, false), budget);
                } catch (SQLException | RuntimeException e) {
                    budget.set(GIVEN_UP);
                    throw e;
                }
            });
            Optional<RowTally> current = tally(connection, sql, keyId, span, firstHalf == null ? span.from() : middle, span.to(),
                    maxRows, budget, false);
            if (current.isEmpty() || budget.get() < 0) {
                return Optional.empty();
            }
            double[] previous = span.allTime() ? null : previousHeadline(sql, keyId, span, maxRows);
            Optional<RowTally> first = firstHalf == null ? Optional.of(new RowTally(sql, span.bucket(), span.shift()))
                    : firstHalf.join();
            if (first.isEmpty()) {
                return Optional.empty();
            }
            current.get().merge(first.get());
            return Optional.of(tallied(keyId, query, span, current.get(), previous));
        } catch (SQLException | RuntimeException e) {
            // a failure here (CompletionException from the other half among them) costs the view its speed, not its answer
            LOG.log(System.Logger.Level.WARNING, "a view's rows were not tallied, the queries answer: " + e);
            return Optional.empty();
        } finally {
            // whatever happened, the other half stops at its next row, and its memory and connection are let go first
            budget.set(GIVEN_UP);
            if (firstHalf != null) {
                firstHalf.handle((tally, failure) -> null).join();
            }
            tallying.release();
        }
    }

    /**
     * How long a view waits for the view being tallied: about what one takes at 10M rows (0.5-0.7
     * s), so that a second view at the same moment is tallied after it rather than queried for
     * seconds beside it, and a crowd of them waits no longer than that before its queries.
     */
    private static final long TALLY_WAIT_MILLIS = 1_000;

    /** Takes the collector's permit to tally, waiting {@link #TALLY_WAIT_MILLIS} at most; false without it. */
    private boolean awaitTurn() {
        try {
            return tallying.tryAcquire(TALLY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The budget of rows once a half has given up: far enough below zero that no half's count brings it back. */
    private static final long GIVEN_UP = Long.MIN_VALUE / 2;

    /** {@code tally}, having stopped the other half when it is empty (it gave up). */
    private static Optional<RowTally> stopOthersUnless(Optional<RowTally> tally, AtomicLong budget) {
        if (tally.isEmpty()) {
            budget.set(GIVEN_UP);
        }
        return tally;
    }

    /**
     * The previous period's headline as {@link #headline} gives it: tallied (its own budget of
     * rows, and only its distinct hashes held), or queried when its rows are more than that.
     */
    private double[] previousHeadline(DashboardSql sql, long keyId, Span span, int maxRows) throws SQLException {
        Optional<RowTally> tally = tally(connection, sql, keyId, span, span.previousFrom(), span.from(), maxRows,
                new AtomicLong(maxRows), true);
        return tally.isPresent() ? tally.get().headline() : headline(sql, keyId, span.previousFrom(), span.from());
    }

    /**
     * The most a tally of one half of a view may hold, by {@link RowTally#bytes} (reckoned from the
     * sizes of the JVM's objects): each half of 24 hours of 10M rows a month (333,000 rows, 100,000
     * addresses and users, 24 buckets of them) is some 40 MB by it. With at most one view tallied
     * at a time in a collector, its two halves, the previous period's headline and the batches of
     * rows they read (2,000 each) hold about 130 MB at most whatever the rows: distinct paths and
     * referrers of 2 KB each end a tally early, not the heap.
     */
    static final long MAX_TALLY_BYTES = 48L << 20;

    /**
     * The rows of the view between the instants tallied on {@code on} (only their headline with
     * {@code headline}), or empty when they ran past the shared budget or {@link #MAX_TALLY_BYTES}.
     */
    private static Optional<RowTally> tally(Connection on, DashboardSql sql, long keyId, Span span, Instant from, Instant to,
            int maxRows, AtomicLong budget, boolean headline) throws SQLException {
        RowTally tally = new RowTally(sql, span.bucket(), span.shift());
        if (budget.get() < 0) {
            return Optional.empty();
        }
        List<Object> parameters = DashboardSql.list();
        // the user filter as one condition, which the closed weeks' index of users answers; one LIMIT
        // for every stream, so that the driver prepares one statement (the budget stops a stream earlier)
        String text = "SELECT " + (headline ? HEADLINE_COLUMNS : STREAMED_COLUMNS) + " FROM requests WHERE "
                + sql.where(keyId, from, to, parameters) + " LIMIT " + (maxRows + 1);
        // a cursor, which PostgreSQL's driver opens only inside a transaction, brings the rows a batch at a time
        boolean autoCommit = on.getAutoCommit();
        if (autoCommit) {
            on.setAutoCommit(false);
        }
        try {
            // prepared for binary results, the statement would be planned without its values from its
            // sixth run on a pooled connection: every week's partition read, 2 s for 0.6
            PostgresStorage.planWithValuesInTransaction(on);
            boolean whole = DashboardSql.stream(on, text, parameters, 2_000, row -> {
                if (budget.decrementAndGet() < 0 || tally.bytes() > MAX_TALLY_BYTES) {
                    return false;
                }
                if (headline) {
                    tally.addHeadline(row.getInt(2), row.getDouble(3), row.getString(4), row.getString(5));
                } else {
                    tally.add(Storage.instant(row, 1), row.getInt(2), row.getDouble(3), row.getString(4),
                            row.getString(5), row.getString(6), row.getString(7), row.getString(8), row.getString(9),
                            row.getString(10), row.getString(11), row.getString(12));
                }
                return true;
            });
            return whole ? Optional.of(tally) : Optional.empty();
        } finally {
            if (autoCommit) {
                // it only read: the transaction opened here ends, the pooled connection as it was
                try {
                    on.rollback();
                } finally {
                    on.setAutoCommit(true);
                }
            }
        }
    }

    /**
     * Runs the work on a second connection in the executor when the storage spares one
     * ({@link Storage#spareConnections}); null when it does not, this aggregator has none, or the
     * executor takes no more work (the collector is stopping).
     */
    private <T> CompletableFuture<T> onSpareConnection(Storage.SqlWork<T> work) {
        if (storage == null) {
            return null;
        }
        try {
            return storage.onSpareConnection(executor, work);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** The view's panels from {@code current}, and its previous period's {@link #headline} ({@code null} for none). */
    private DashboardData tallied(long keyId, DashboardQuery query, Span span, RowTally current, double[] previous)
            throws SQLException {
        Summary summary = summary(current.headline(), previous);
        Panels.Endpoints endpoints = current.endpoints();
        return new DashboardData(
                query.period().name,
                span.from().toString(),
                span.to().toString(),
                span.bucket(),
                query.zone().getId(),
                false,
                hostnames(keyId, span.from(), span.to()),
                summary,
                current.percentiles(),
                Panels.histogram(current.histogram()),
                current.activity(span.from(), span.to()),
                endpoints.rows(),
                Panels.top(current.statuses(), Panels.TOP_STATUSES),
                Panels.top(current.countries(), TOP),
                Panels.top(current.clients(), TOP),
                Panels.top(current.oses(), TOP),
                Panels.top(current.devices(), TOP),
                endpoints.versions(),
                Panels.top(current.referrers(), TOP),
                current.hours(),
                current.weekdays(),
                current.users(TOP),
                null,
                SummaryAggregator.unsummarised(query, span));
    }

    private DashboardData panels(long keyId, DashboardQuery query, Span span, DashboardSql sql) throws SQLException {
        Instant from = span.from();
        Instant to = span.to();
        boolean allTime = span.allTime();
        Instant previousFrom = span.previousFrom();
        long bucket = span.bucket();
        long shift = span.shift();

        Summary summary = summary(sql, keyId, previousFrom, from, to, allTime);
        Breakdowns breakdowns = breakdowns(sql, keyId, from, to);
        Panels.Endpoints endpoints = endpoints(sql, keyId, from, to);
        return new DashboardData(
                query.period().name,
                from.toString(),
                to.toString(),
                bucket,
                query.zone().getId(),
                false,
                hostnames(keyId, from, to),
                summary,
                percentiles(sql, keyId, from, to),
                histogram(sql, keyId, from, to),
                activity(sql, keyId, from, to, bucket, shift),
                endpoints.rows(),
                breakdowns.top(STATUS, Panels.TOP_STATUSES),
                breakdowns.top(COUNTRY, TOP),
                breakdowns.top(CLIENT, TOP),
                breakdowns.top(OS, TOP),
                breakdowns.top(DEVICE, TOP),
                endpoints.versions(),
                counts(sql, keyId, from, to, "referrer", TOP, true),
                breakdowns.perIndex(HOUR, 24, 0),
                breakdowns.perIndex(WEEKDAY, 7, 1),
                users(sql, keyId, from, to),
                null,
                SummaryAggregator.unsummarised(query, span));
    }

    /**
     * When the key's first request was made: its first row, or, when raw retention deleted the
     * rows of earlier hours, the first hour of its summaries.
     */
    static Instant firstRequest(Connection connection, long keyId) throws SQLException {
        Instant firstRow = first(connection, "SELECT min(created_at) FROM requests WHERE key_id = ?", keyId);
        Instant firstHour = first(connection, "SELECT min(hour) FROM rollup_endpoints WHERE key_id = ?", keyId);
        boolean rowsDeleted = firstHour != null && (firstRow == null || firstHour.isBefore(firstRow.truncatedTo(ChronoUnit.HOURS)));
        return rowsDeleted ? firstHour : firstRow;
    }

    private static Instant first(Connection connection, String sql, long keyId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, keyId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Storage.instant(rows, 1) : null;
            }
        }
    }

    /**
     * The period's hostnames, whatever the filters: from the summaries where they hold the period's
     * hours whole (a scan of a month's rows for them took 220 ms of a local hour's 0.94 s in India on
     * PostgreSQL at 1M rows, 53-85 ms on DuckDB at 10M), otherwise from the rows: before the job's
     * first run, and while any of those hours waits to be redone for late rows (a backfill, such as
     * the demo's month of history, is all late rows).
     */
    private List<String> hostnames(long keyId, Instant from, Instant to) throws SQLException {
        Instant summarisedUntil = SummaryJob.summarisedUntil(connection);
        if (summarisedUntil != null && !SummaryJob.hasLateHours(connection, keyId, from, summarisedUntil)) {
            SummarySource source = new SummarySource(keyId, from, to, summarisedUntil, SummaryJob.daysUntil(connection), null);
            if (source.hasSummaries()) {
                return SummaryAggregator.hostnames(connection, source);
            }
        }
        List<String> names = new ArrayList<>();
        String text = "SELECT hostname, count(*) FROM requests WHERE key_id = ? AND created_at >= ? AND created_at < ? "
                + "AND hostname IS NOT NULL GROUP BY hostname ORDER BY 2 DESC, 1 LIMIT 50";
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, List.of(keyId, Storage.utc(from), Storage.utc(to)));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private Summary summary(DashboardSql sql, long keyId, Instant previousFrom, Instant from, Instant to, boolean allTime)
            throws SQLException {
        // two plain scans beat one scan with FILTER clauses: DuckDB's filtered DISTINCT aggregates are slow
        return summary(headline(sql, keyId, from, to), allTime ? null : headline(sql, keyId, previousFrom, from));
    }

    /** The headline from the period's {@link #headline} and the previous one's (null for none). */
    private static Summary summary(double[] current, double[] previous) {
        return new Summary(
                new Metric((long) current[0], previous == null ? null : (long) previous[0]),
                new Metric((long) current[1], previous == null ? null : (long) previous[1]),
                new Metric((long) current[2], previous == null ? null : (long) previous[2]),
                new Metric(ratio(current[3], current[0]), previous == null ? null : ratio(previous[3], previous[0])),
                new Metric(nanToNull(current[4]), previous == null ? null : nanToNull(previous[4])));
    }

    /** Requests, distinct IPs, distinct user ids, successes and mean response time (NaN without rows). */
    private double[] headline(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT count(*), count(DISTINCT ip_address), count(DISTINCT user_id), sum(" + DashboardSql.SUCCESS
                + "), avg(response_time) FROM " + source + " WHERE " + where;
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                Double mean = nullableDouble(rows, 5);
                return new double[] {rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4),
                        mean == null ? Double.NaN : mean};
            }
        }
    }

    private static Double nanToNull(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private Percentiles percentiles(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + sql.percentiles(0.5, 0.75, 0.9, 0.95, 0.99) + " FROM " + source + " WHERE " + where;
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                java.sql.Array array = rows.getArray(1);
                if (array == null) {
                    return new Percentiles(null, null, null, null, null);
                }
                Object[] values = (Object[]) array.getArray();
                return new Percentiles(number(values[0]), number(values[1]), number(values[2]), number(values[3]),
                        number(values[4]));
            }
        }
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    private List<HistogramBucket> histogram(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        StringBuilder bucket = new StringBuilder("CASE");
        for (int i = 1; i < HISTOGRAM_EDGES.length; i++) {
            bucket.append(" WHEN response_time < ").append(HISTOGRAM_EDGES[i]).append(" THEN ").append(i - 1);
        }
        bucket.append(" ELSE ").append(HISTOGRAM_EDGES.length - 1).append(" END");
        long[] counts = new long[HISTOGRAM_EDGES.length];
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + bucket + " AS b, count(*) FROM " + source + " WHERE " + where + " GROUP BY 1";
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts[rows.getInt(1)] = rows.getLong(2);
                }
            }
        }
        return Panels.histogram(counts);
    }

    List<ActivityPoint> activity(DashboardSql sql, long keyId, Instant from, Instant to, long bucket, long shift)
            throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + sql.bucketIndex(bucket, shift) + " AS b, count(*), count(DISTINCT " + DashboardSql.USER + "), avg(response_time), "
                + "avg(" + DashboardSql.SUCCESS + ") FROM " + source + " WHERE " + where + " GROUP BY 1";
        Map<Long, ActivityPoint> byIndex = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long i = rows.getLong(1);
                    byIndex.put(i, new ActivityPoint(Panels.start(sql, i, bucket, shift), rows.getLong(2), rows.getLong(3),
                            nullableDouble(rows, 4), nullableDouble(rows, 5)));
                }
            }
        }
        return Panels.activity(byIndex, sql, from, to, bucket, shift);
    }

    /** Distinct users per activity bucket, by bucket index. */
    Map<Long, Long> usersPerBucket(DashboardSql sql, long keyId, Instant from, Instant to, long bucket, long shift)
            throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT " + sql.bucketIndex(bucket, shift) + " AS b, count(DISTINCT " + DashboardSql.USER + ") FROM " + source
                + " WHERE " + where + " GROUP BY 1";
        Map<Long, Long> users = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    users.put(rows.getLong(1), rows.getLong(2));
                }
            }
        }
        return users;
    }

    private Panels.Endpoints endpoints(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String grouped = "SELECT method, " + DashboardSql.ENDPOINT + " AS endpoint, count(*) AS n" + Panels.statusClasses("1")
                + ", avg(response_time) AS mean FROM " + source + " WHERE " + where + " GROUP BY method, " + DashboardSql.ENDPOINT;
        return Panels.endpoints(connection, sql, grouped, parameters);
    }

    private List<Count> counts(DashboardSql sql, long keyId, Instant from, Instant to, String expression, int limit,
            boolean knownOnly) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        if (knownOnly) {
            where += " AND " + expression + " IS NOT NULL";
        }
        String text = "SELECT " + expression + " AS k, count(*) AS n FROM " + source + " WHERE " + where
                + " GROUP BY 1 ORDER BY 2 DESC, " + sql.byCodePoint(expression) + " LIMIT " + limit;
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Object key = rows.getObject(1);
                    counts.add(new Count(key == null ? null : key.toString(), rows.getLong(2)));
                }
            }
        }
        return counts;
    }

    /** The columns counted by {@link #breakdowns}, in GROUPING() argument order. */
    private static final int STATUS = 0;
    private static final int COUNTRY = 1;
    private static final int CLIENT = 2;
    private static final int OS = 3;
    private static final int DEVICE = 4;
    private static final int HOUR = 5;
    private static final int WEEKDAY = 6;
    private static final int BREAKDOWNS = 7;

    /**
     * Requests per status, country, client, OS, device, hour and weekday in one scan
     * (GROUPING SETS): each has few distinct values, so every group comes back and Java ranks them.
     */
    private Breakdowns breakdowns(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT GROUPING(s, l, c, o, d, h, w), s, l, c, o, d, h, w, count(*) FROM ("
                + "SELECT CAST(status AS INTEGER) AS s, location AS l, client AS c, os AS o, device AS d, "
                + sql.hourOfDay() + " AS h, " + sql.weekday() + " AS w "
                + "FROM " + source + " WHERE " + where + ") filtered "
                + "GROUP BY GROUPING SETS ((s), (l), (c), (o), (d), (h), (w))";
        Breakdowns breakdowns = new Breakdowns();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int grouping = rows.getInt(1);
                    for (int column = 0; column < BREAKDOWNS; column++) {
                        // GROUPING() sets a bit for each column not grouped; the first argument is the highest bit
                        if ((grouping & (1 << (BREAKDOWNS - 1 - column))) == 0) {
                            Object key = rows.getObject(2 + column);
                            breakdowns.counts.get(column).add(new Count(key == null ? null : key.toString(), rows.getLong(9)));
                        }
                    }
                }
            }
        }
        return breakdowns;
    }

    /**
     * Requests per local hour of day (24) and weekday (7, Monday first): what summaries cannot
     * give in a zone whose local hours cut UTC hours in two.
     */
    long[][] hoursAndWeekdays(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters);
        String text = "SELECT GROUPING(h, w), h, w, count(*) FROM (SELECT " + sql.hourOfDay() + " AS h, " + sql.weekday()
                + " AS w FROM " + source + " WHERE " + where + ") filtered GROUP BY GROUPING SETS ((h), (w))";
        long[][] counts = {new long[24], new long[7]};
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    // GROUPING() is 1 (binary 01) for the hour sets, where w is not grouped
                    if (rows.getInt(1) == 1) {
                        counts[0][rows.getInt(2)] = rows.getLong(4);
                    } else {
                        counts[1][rows.getInt(3) - 1] = rows.getLong(4);
                    }
                }
            }
        }
        return counts;
    }

    /** What {@link #breakdowns} found, per column. */
    private static final class Breakdowns {
        final List<List<Count>> counts = new ArrayList<>();

        Breakdowns() {
            for (int i = 0; i < BREAKDOWNS; i++) {
                counts.add(new ArrayList<>());
            }
        }

        List<Count> top(int column, int limit) {
            return Panels.top(counts.get(column), limit);
        }

        long[] perIndex(int column, int size, int base) {
            return Panels.perIndex(counts.get(column), size, base);
        }
    }

    private List<UserRow> users(DashboardSql sql, long keyId, Instant from, Instant to) throws SQLException {
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, to, parameters) + " AND " + DashboardSql.USER + " IS NOT NULL";
        String text = "SELECT " + DashboardSql.USER + " AS u, count(*) AS n, avg(" + DashboardSql.SUCCESS + "), max(created_at) "
                + "FROM " + source + " WHERE " + where + " GROUP BY 1 ORDER BY 2 DESC, " + sql.byCodePoint(DashboardSql.USER)
                + " LIMIT " + TOP;
        List<UserRow> users = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant last = Storage.instant(rows, 4);
                    users.add(new UserRow(rows.getString(1), rows.getLong(2), nullableDouble(rows, 3),
                            last == null ? null : last.toString()));
                }
            }
        }
        return users;
    }

    private static Double ratio(double part, double whole) {
        return Panels.ratio(part, whole);
    }

    private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        return Storage.nullableDouble(rows, column);
    }
}
