package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.DashboardData.ActivityPoint;
import dev.apianalytics.server.dashboard.DashboardData.Count;
import dev.apianalytics.server.dashboard.DashboardData.Metric;
import dev.apianalytics.server.dashboard.DashboardData.Percentiles;
import dev.apianalytics.server.dashboard.DashboardData.Summary;
import dev.apianalytics.server.dashboard.SummarySketches.Sketches;
import dev.apianalytics.server.dashboard.SummarySource.Filters;
import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.DistinctSketch;
import dev.apianalytics.server.summary.LatencyHistogram;
import dev.apianalytics.server.summary.Summaries;
import dev.apianalytics.server.summary.SummaryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Computes the dashboard from the hourly summaries ({@link Summaries}) instead of the rows: a
 * month of ten million requests is a few hundred thousand summary rows. It answers views
 * filtered by the hostname and the settings (bots, 404s), which summaries are split by, by at
 * most one slice value (a status or status class, an endpoint, a method, a country, a client,
 * an OS, a device, an API version, or hidden endpoints: the endpoints not hidden), which the
 * slice tables hold, or by a local hour or weekday where local hours are UTC hours (the
 * summaries of those hours); anything else goes to {@link DashboardAggregator}.
 * In a time zone whose local hours cut UTC hours in two (India, Nepal, ...) the time panels
 * (activity, hour of day, weekday) come from the quarter-hour summaries (a sliced view's users per
 * activity bucket also from the rows of the hours two buckets share), or from the rows for a view
 * reaching before those began.
 */
final class SummaryAggregator {

    /**
     * The most of a period left to the rows. Normally under an hour and a half (the first part
     * hour, and the last 15 to 75 minutes); more means the summaries are catching up (the first
     * run after an upgrade) or stalled, and reading that many rows one by one into sketches
     * would be slower than aggregating them in the database.
     */
    static final Duration MAX_LIVE = Duration.ofHours(3);

    private final Connection connection;
    private final Storage storage;
    private final Executor executor;
    private final HiddenPathChecks hiddenPaths;
    private List<String> rowsNeededFor = List.of();
    /** The work the last {@link #compute} started beside its own connection. */
    private final List<CompletableFuture<?>> started = new ArrayList<>();

    /**
     * Works on {@code connection}, and on connections of its own from {@code storage} in
     * {@code executor}'s threads; {@code hiddenPaths} is the collector's.
     */
    SummaryAggregator(Connection connection, Storage storage, Executor executor, HiddenPathChecks hiddenPaths) {
        this.connection = connection;
        this.storage = storage;
        this.executor = executor;
        this.hiddenPaths = hiddenPaths;
    }

    /**
     * The dashboard from summaries, or empty when they cannot answer it: a filter other than
     * hostname and settings, summaries missing or far behind, or fewer than
     * {@code minimumRequests} summarised requests (the rows are then fast enough, and exact) unless
     * the view or its previous period starts before {@code rowsFrom}, where raw rows are deleted
     * (null when all are kept).
     */
    Optional<DashboardData> compute(long keyId, DashboardQuery query, Instant now, long minimumRequests, Instant rowsFrom)
            throws SQLException {
        rowsNeededFor = List.of();
        started.clear();
        Optional<DashboardData> data = Optional.empty();
        boolean serial = storage.dialect() == Dialect.POSTGRESQL;
        boolean autoCommit = connection.getAutoCommit();
        try {
            if (serial) {
                withoutParallelWorkers();
            }
            data = summarise(keyId, query, now, minimumRequests, rowsFrom);
            return data;
        } finally {
            if (data.isEmpty()) {
                // the rows answer, or a read failed: what runs beside gives its connection back first
                settle(started);
            }
            if (serial) {
                // it only read
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Opens a transaction whose queries PostgreSQL plans without parallel workers: a summary's are
     * small, and on two cores starting workers and merging their partial results costs more than it
     * saves (1M rows, 30 days, side by side: the top users alone 53-60 ms against 111-115 ms, the
     * view 190-260 ms against 294-311 ms). SET LOCAL ends with the transaction, so a pooled session
     * (PgBouncer's too) keeps its own settings.
     */
    private void withoutParallelWorkers() throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL max_parallel_workers_per_gather = 0");
        }
    }

    private Optional<DashboardData> summarise(long keyId, DashboardQuery query, Instant now, long minimumRequests,
            Instant rowsFrom) throws SQLException {
        if (SummarySource.Slice.of(query) == null && !LOCAL_TIME.containsAll(rowFilters(query))) {
            // a filter that only the rows answer, whatever the span (which may cost a query to find)
            return Optional.empty();
        }
        Span span = Span.of(connection, keyId, query, now);
        DashboardSql sql = new DashboardSql(storage.dialect(), query, span.previousFrom(), span.to());
        if (!unsummarised(query, span).isEmpty()) {
            return Optional.empty();
        }
        boolean daysCutHours = weekdayCutsHours(query, span);
        boolean rowsGone = rowsFrom != null && span.previousFrom().isBefore(rowsFrom);
        if (daysCutHours && rowsGone) {
            // the edges of the days before the raw-row horizon were rows, deleted: the kept rows answer, and say so
            rowsNeededFor = List.of("weekday");
            return Optional.empty();
        }
        Filters filters = Filters.of(query, localTimeFromSummaries(query, span) ? sql : null, daysCutHours);
        Instant summarisedUntil = SummaryJob.summarisedUntil(connection);
        if (summarisedUntil == null) {
            return Optional.empty();
        }
        Instant daysUntil = SummaryJob.daysUntil(connection);
        SummarySource current = new SummarySource(keyId, span.from(), span.to(), summarisedUntil, daysUntil,
                daysCutHours ? sql.localDays(span.from(), span.to()) : null);
        Instant finerFrom = SummaryJob.finerFrom(connection);
        if (!current.hasSummaries() || current.live().compareTo(MAX_LIVE) > 0
                || !rowsGone && summarisedRequests(keyId, current, finerHold(finerFrom, current)) < Math.max(1, minimumRequests)) {
            return Optional.empty();
        }
        SummarySource previous = span.allTime() ? null : new SummarySource(keyId, span.previousFrom(), span.from(), summarisedUntil, daysUntil,
                daysCutHours ? sql.localDays(span.previousFrom(), span.from()) : null);
        if (filters.slice() != null
                && !finerHold(finerFrom, previous == null ? current : previous)) {
            // the slices start later than the view (or its previous period) on a database summarised before them
            return Optional.empty();
        }
        // hidden endpoints are the endpoint slices of the others while no hidden pattern matches only a path
        if (!query.hidden().isEmpty() && hiddenPaths.knownToHide(keyId, sql, span.previousFrom(), span.to())) {
            rowsNeededFor = List.of("hide");
            return Optional.empty();
        }
        CompletableFuture<Boolean> hiddenByPath = query.hidden().isEmpty() ? null
                : onOwnConnection(own -> hiddenPaths.hiddenOnlyByPath(own, keyId, sql, span.previousFrom(), span.to()));
        if (hiddenByPath != null && hiddenByPath.isDone() && pathsNeedRows(hiddenByPath)) {
            return Optional.empty();
        }
        // local hours start on UTC hours, or (India, Nepal, ...) on quarter hours when those are summarised
        boolean byHour = aligned(query.zone(), span.previousFrom(), span.to(), HOUR_SECONDS);
        // a sliced view reads the users of the hours cut by its activity buckets from the slice's users
        // per quarter hour, or from the rows where those hours were summarised before they were kept
        Instant sliceQuartersFrom = filters.slice() == null ? null : SummaryJob.sliceQuarterUsersFrom(connection);
        boolean sliceQuarters = sliceQuartersFrom != null && !sliceQuartersFrom.isAfter(current.summarisedFrom());
        boolean straddlingRowsKept = filters.slice() == null || sliceQuarters || rowsFrom == null
                || !rowsFrom.isAfter(current.summarisedFrom());
        boolean byQuarter = !byHour && straddlingRowsKept && finerHold(finerFrom, current)
                && aligned(query.zone(), span.previousFrom(), span.to(), QUARTER_SECONDS);
        CompletableFuture<Sketches> currentSketches = sketches(current, filters, sql, span, true, byQuarter, sliceQuarters);
        CompletableFuture<Sketches> previousSketches = previous == null ? null
                : sketches(previous, filters, sql, span, false, false, false);
        CompletableFuture<Map<Long, DistinctSketch>> straddlingUsers =
                SummarySketches.needsStraddlingUsers(filters, span, byQuarter, sliceQuarters)
                        ? onOwnConnection(own -> SummarySketches.straddlingUsers(own, current, filters, sql, span, sliceQuarters))
                        : null;
        // the quarter hours hold an unsliced view's totals in a seventh of the endpoints' rows (1M rows, 30 days: 22,000 against 154,000)
        Hours hours = hours(current, filters, sql, span, byQuarter, byQuarter || filters.slice() == null && finerHold(finerFrom, current));
        Totals previousTotals = previous == null ? null : totals(previous, filters);
        List<Count> statuses = statuses(current, filters);
        List<String> hostnames = hostnames(connection, current.unnarrowed());
        if (hiddenByPath != null && hiddenByPath.isDone() && pathsNeedRows(hiddenByPath)) {
            // the rows answer: spare the costliest panels
            return Optional.empty();
        }
        SummaryBreakdowns breakdowns = SummaryBreakdowns.read(connection, current, filters, sql);
        List<ActivityPoint> activity;
        List<String> rowsReadFor = List.of();
        long[] hourOfDay;
        long[] weekdays;
        Sketches sketches;
        if (byHour || byQuarter) {
            Map<Long, Long> usersPerBucket = SummarySketches.usersFromRows(filters, span, byQuarter, sliceQuarters)
                    ? new DashboardAggregator(connection, storage.dialect()).usersPerBucket(sql, keyId, span.from(), span.to(),
                            span.bucket(), span.shift())
                    : null;
            sketches = join(currentSketches);
            if (straddlingUsers != null) {
                SummarySketches.mergeByBucket(sketches.bucketUsers, join(straddlingUsers));
            }
            activity = activity(hours, sketches, usersPerBucket, sql, span);
            hourOfDay = hours.hourOfDay;
            weekdays = hours.weekdays;
        } else {
            // quarter hours not summarised that far back (or an offset of odd minutes): the time panels come from the rows
            DashboardAggregator rows = new DashboardAggregator(connection, storage.dialect());
            rowsReadFor = List.of("tz");
            activity = rows.activity(sql, keyId, span.from(), span.to(), span.bucket(), span.shift());
            long[][] local = rows.hoursAndWeekdays(sql, keyId, span.from(), span.to());
            hourOfDay = local[0];
            weekdays = local[1];
            sketches = join(currentSketches);
        }
        if (hiddenByPath != null && pathsNeedRows(hiddenByPath)) {
            return Optional.empty();
        }
        Summary summary = summary(hours.totals, sketches, previousTotals, previous == null ? null : join(previousSketches));
        LatencyHistogram latency = sketches.latency;
        return Optional.of(new DashboardData(
                query.period().name,
                span.from().toString(),
                span.to().toString(),
                span.bucket(),
                query.zone().getId(),
                true,
                hostnames,
                summary,
                new Percentiles(latency.percentile(0.5), latency.percentile(0.75), latency.percentile(0.9),
                        latency.percentile(0.95), latency.percentile(0.99)),
                Panels.histogram(latency.panelCounts()),
                activity,
                breakdowns.endpoints().rows(),
                Panels.top(statuses, Panels.TOP_STATUSES),
                Panels.top(breakdowns.values(Summaries.COUNTRY), Panels.TOP),
                Panels.top(breakdowns.values(Summaries.CLIENT), Panels.TOP),
                Panels.top(breakdowns.values(Summaries.OS), Panels.TOP),
                Panels.top(breakdowns.values(Summaries.DEVICE), Panels.TOP),
                breakdowns.endpoints().versions(),
                Panels.top(breakdowns.values(Summaries.REFERRER).stream().filter(c -> c.key() != null).toList(), Panels.TOP),
                hourOfDay,
                weekdays,
                breakdowns.users(),
                null,
                rowsReadFor));
    }

    /**
     * The filters that sent the last {@link #compute} to the rows although summaries answer them
     * over its span ({@link #unsummarised}): {@code hide} when a hidden pattern matches the path
     * of a request whose route it does not match, which the summaries do not keep.
     */
    List<String> rowsNeededFor() {
        return rowsNeededFor;
    }

    /** Whether the hidden patterns' check found a request that only the rows hide, which then answer. */
    private boolean pathsNeedRows(CompletableFuture<Boolean> check) throws SQLException {
        if (join(check)) {
            rowsNeededFor = List.of("hide");
        }
        return !rowsNeededFor.isEmpty();
    }

    /** Waits for work whose result is not wanted, so that its connection is back in the pool before the rows are read. */
    private static void settle(List<CompletableFuture<?>> work) {
        for (CompletableFuture<?> future : work) {
            future.handle((result, failure) -> null).join();
        }
    }

    /**
     * Activity buckets from the hours, users from the sketches of each bucket's hours, or from
     * {@code usersPerBucket} when counted from the rows (null otherwise).
     */
    private static List<ActivityPoint> activity(Hours hours, Sketches sketches, Map<Long, Long> usersPerBucket, DashboardSql sql,
            Span span) {
        Map<Long, ActivityPoint> byIndex = new HashMap<>();
        hours.buckets.forEach((index, totals) -> {
            DistinctSketch bucketUsers = sketches.bucketUsers.get(index);
            long users = usersPerBucket != null ? usersPerBucket.getOrDefault(index, 0L)
                    : bucketUsers == null ? 0 : bucketUsers.estimate();
            byIndex.put(index, new ActivityPoint(Panels.start(sql, index, span.bucket(), span.shift()), totals.requests, users,
                    totals.mean(), totals.successRate()));
        });
        return Panels.activity(byIndex, sql, span.from(), span.to(), span.bucket(), span.shift());
    }

    /**
     * The query's filters that summaries cannot answer over the span, so that a view with them
     * reads the rows: all but the hostname and settings, unless they are one slice, or a local
     * hour or weekday in a zone whose local hours are UTC hours, or a weekday alone in the others
     * unless their clocks change near a local midnight ({@link #weekdayCutsHours}).
     */
    static List<String> unsummarised(DashboardQuery query, Span span) {
        if (SummarySource.Slice.of(query) != null) {
            return List.of();
        }
        List<String> filters = rowFilters(query);
        boolean localTime = !filters.isEmpty() && LOCAL_TIME.containsAll(filters);
        return localTime && localTimeFromSummaries(query, span) ? List.of() : filters;
    }

    /** The filters of a local time, which summaries answer where local hours are UTC hours. */
    static final List<String> LOCAL_TIME = List.of("hour", "weekday");

    /**
     * Whether the view has a local hour or weekday filter that the summaries answer: whole UTC
     * hours where the zone's local hours are UTC hours over the span and its previous period, or
     * a weekday in India, Nepal, Newfoundland, ... ({@link #weekdayCutsHours}).
     */
    private static boolean localTimeFromSummaries(DashboardQuery query, Span span) {
        return (query.hour() != null || query.weekday() != null)
                && aligned(query.zone(), span.previousFrom(), span.to(), HOUR_SECONDS) || weekdayCutsHours(query, span);
    }

    /**
     * The most days of one weekday a view and its previous period may span for the summaries to
     * answer it where its days cut UTC hours: each day adds two ranges to the rows every summary
     * reads (one query for all; over a month of 10M rows, 104 ranges cost 104 ms where 10 cost
     * 75 ms), a year of that weekday in an all-time view.
     */
    private static final int MAX_CUT_DAYS = 53;

    /**
     * How far from a local midnight a change of clocks must be, both the wall-clock time it leaves
     * and the one it goes to: then a local day is one range of instants, and an hour holding the
     * change reads as one day at its start's offset exactly when it does in truth.
     */
    private static final Duration CLOCKS_FROM_MIDNIGHT = Duration.ofHours(1);

    /**
     * Whether the view is filtered by a weekday alone in a zone whose local days start inside UTC
     * hours (India, Nepal, Iran, Newfoundland, South Australia, ...) and whose clocks do not
     * change within an hour of a local midnight over the span and its previous period, for at
     * most {@link #MAX_CUT_DAYS} days: then the summaries of the hours wholly in those days, and
     * the rows of the part hours at their edges, answer it exactly (a local hour there holds no
     * whole UTC hour). Clocks changed at midnight would make a local day two ranges of instants.
     */
    static boolean weekdayCutsHours(DashboardQuery query, Span span) {
        if (query.weekday() == null || query.hour() != null
                || aligned(query.zone(), span.previousFrom(), span.to(), HOUR_SECONDS)) {
            return false;
        }
        var rules = query.zone().getRules();
        Instant end = span.to().plus(Duration.ofDays(2));
        for (ZoneOffsetTransition next = rules.nextTransition(span.previousFrom().minus(Duration.ofDays(2)));
                next != null && next.getInstant().isBefore(end); next = rules.nextTransition(next.getInstant())) {
            if (nearMidnight(next.getDateTimeBefore()) || nearMidnight(next.getDateTimeAfter())) {
                return false;
            }
        }
        return DashboardSql.localDays(query.zone(), query.weekday(), span.previousFrom(), span.to()).size() <= MAX_CUT_DAYS;
    }

    private static boolean nearMidnight(LocalDateTime time) {
        long seconds = time.toLocalTime().toSecondOfDay();
        return Math.min(seconds, 86_400 - seconds) < CLOCKS_FROM_MIDNIGHT.toSeconds();
    }

    /** The query's filters but the hostname: what summaries answer only as one slice. */
    static List<String> rowFilters(DashboardQuery query) {
        List<String> names = new ArrayList<>();
        Object[][] filters = {{"endpoint", query.endpoint()}, {"method", query.method()}, {"status", query.statusFrom()},
                {"country", query.country()}, {"client", query.client()}, {"os", query.os()}, {"device", query.device()},
                {"hour", query.hour()}, {"weekday", query.weekday()}, {"version", query.version()}, {"user", query.user()},
                {"hide", query.hidden().isEmpty() ? null : query.hidden()}};
        for (Object[] filter : filters) {
            if (filter[1] != null) {
                names.add((String) filter[0]);
            }
        }
        return names;
    }

    static final int HOUR_SECONDS = 3600;
    static final int QUARTER_SECONDS = 900;

    /** Whether every offset of the zone between the instants is a multiple of {@code seconds}, and changes at one. */
    static boolean aligned(ZoneId zone, Instant from, Instant to, int seconds) {
        var rules = zone.getRules();
        if (rules.getOffset(from).getTotalSeconds() % seconds != 0) {
            return false;
        }
        ZoneOffsetTransition next = rules.nextTransition(from);
        while (next != null && next.getInstant().isBefore(to)) {
            if (next.getOffsetAfter().getTotalSeconds() % seconds != 0 || next.getInstant().getEpochSecond() % seconds != 0) {
                return false;
            }
            next = rules.nextTransition(next.getInstant());
        }
        return true;
    }

    /** Whether the finer summaries (quarter hours, slices), which start at {@code finerFrom}, hold every stored hour of {@code source}. */
    private static boolean finerHold(Instant finerFrom, SummarySource source) {
        return finerFrom != null && !finerFrom.isAfter(source.summarisedFrom());
    }

    /** The requests of the stored hours, from the quarter hours ({@code quarters}) or the endpoints. */
    private long summarisedRequests(long keyId, SummarySource source, boolean quarters) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT CAST(coalesce(sum(requests), 0) AS BIGINT) FROM "
                + (quarters ? "rollup_quarters" : "rollup_endpoints") + " WHERE key_id = ? AND hour >= ? AND hour < ?")) {
            DashboardSql.bind(select, List.of(keyId, Storage.utc(source.summarisedFrom()), Storage.utc(source.summarisedTo())));
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Requests, successes and total response time of some rows. */
    private static final class Totals {
        long requests;
        long successes;
        double timeSum;

        void add(long requests, long successes, double timeSum) {
            this.requests += requests;
            this.successes += successes;
            this.timeSum += timeSum;
        }

        Double mean() {
            return requests == 0 ? null : timeSum / requests;
        }

        Double successRate() {
            return Panels.ratio(successes, requests);
        }
    }

    /** The period's totals, per activity bucket, and per local hour of day and weekday. */
    private record Hours(Totals totals, Map<Long, Totals> buckets, long[] hourOfDay, long[] weekdays) {}

    private static final String HOURLY_COLUMNS = "hour, hostname, bot, status, requests, time_sum";

    private static final String QUARTER_COLUMNS = "hour, hostname, bot, not_found, quarter, requests, successes, time_sum";

    /**
     * The period's totals, per activity bucket, hour of day and weekday, from the hours or the quarter
     * hours: {@code byQuarter} when buckets start on quarter hours, else {@code quarters} when they
     * hold the source's hours ({@link #finerHold}) and are read hour by hour.
     */
    private Hours hours(SummarySource source, Filters filters, DashboardSql sql, Span span, boolean byQuarter, boolean quarters)
            throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String text;
        if (quarters) {
            String rows = source.select("rollup_quarters", QUARTER_COLUMNS, filters, parameters);
            String quarter = byQuarter ? "quarter" : "0";
            text = "SELECT hour, " + quarter + ", CAST(sum(requests) AS BIGINT), CAST(sum(successes) AS BIGINT), sum(time_sum) FROM ("
                    + rows + ") q GROUP BY hour" + (byQuarter ? ", quarter" : "");
        } else {
            String rows = source.select("rollup_endpoints", HOURLY_COLUMNS, filters, parameters);
            text = "SELECT hour, 0, CAST(sum(requests) AS BIGINT), CAST(sum(CASE WHEN status < 400 THEN requests ELSE 0 END) "
                    + "AS BIGINT), sum(time_sum) FROM (" + rows + ") e GROUP BY hour";
        }
        Hours hours = new Hours(new Totals(), new HashMap<>(), new long[24], new long[7]);
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    Instant hour = Storage.instant(result, 1).plusSeconds((long) QUARTER_SECONDS * result.getInt(2));
                    long requests = result.getLong(3);
                    long successes = result.getLong(4);
                    double timeSum = result.getDouble(5);
                    hours.totals.add(requests, successes, timeSum);
                    hours.buckets.computeIfAbsent(bucketIndex(sql, span, hour), i -> new Totals()).add(requests, successes, timeSum);
                    long local = sql.localEpochOf(hour);
                    hours.hourOfDay[DashboardSql.hourOf(local)] += requests;
                    hours.weekdays[DashboardSql.weekdayIndexOf(local)] += requests;
                }
            }
        }
        return hours;
    }

    static long bucketIndex(DashboardSql sql, Span span, Instant hour) {
        return Math.floorDiv(sql.localEpochOf(hour) + span.shift(), span.bucket());
    }

    private Totals totals(SummarySource source, Filters filters) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String rows = source.selectByDay("rollup_endpoints", "status, requests, time_sum", filters, parameters);
        String text = "SELECT CAST(coalesce(sum(requests), 0) AS BIGINT), CAST(coalesce(sum(CASE WHEN status < 400 THEN requests "
                + "ELSE 0 END), 0) AS BIGINT), coalesce(sum(time_sum), 0) FROM (" + rows + ") e";
        Totals totals = new Totals();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                totals.add(result.getLong(1), result.getLong(2), result.getDouble(3));
            }
        }
        return totals;
    }

    /** Reads the sketches on a connection and thread of their own where one is spared. */
    private CompletableFuture<Sketches> sketches(SummarySource source, Filters filters, DashboardSql sql, Span span,
            boolean full, boolean byQuarter, boolean sliceQuarters) throws SQLException {
        return onOwnConnection(own -> SummarySketches.read(own, source, filters, sql, span, full, byQuarter, sliceQuarters));
    }

    /**
     * Runs the work on a connection of its own beside this one's when the storage spares one
     * ({@link Storage#spareConnections}), else on this connection now: holding this one while
     * waiting for another could wait for ever.
     */
    private <T> CompletableFuture<T> onOwnConnection(Storage.SqlWork<T> work) throws SQLException {
        CompletableFuture<T> future = storage.onSpareConnection(executor, work);
        if (future == null) {
            return CompletableFuture.completedFuture(work.run(connection));
        }
        started.add(future);
        return future;
    }

    private static <T> T join(CompletableFuture<T> result) throws SQLException {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException failure) {
                throw failure;
            }
            throw e;
        }
    }

    private static Summary summary(Totals current, Sketches sketches, Totals previous, Sketches previousSketches) {
        boolean hasPrevious = previous != null;
        return new Summary(
                new Metric(current.requests, hasPrevious ? previous.requests : null),
                new Metric(sketches.ips.estimate(), hasPrevious ? previousSketches.ips.estimate() : null),
                new Metric(sketches.userIds.estimate(), hasPrevious ? previousSketches.userIds.estimate() : null),
                new Metric(current.successRate(), hasPrevious ? previous.successRate() : null),
                new Metric(current.mean(), hasPrevious ? previous.mean() : null));
    }

    /** The period's hostnames, busiest first, from the summaries of {@code source} and its live rows. */
    static List<String> hostnames(Connection connection, SummarySource source) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String rows = source.selectByDay("rollup_endpoints", "hostname, requests", Filters.NONE, parameters);
        String text = "SELECT hostname, sum(requests) FROM (" + rows + ") e WHERE hostname IS NOT NULL "
                + "GROUP BY hostname ORDER BY 2 DESC, 1 LIMIT 50";
        List<String> names = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    names.add(result.getString(1));
                }
            }
        }
        return names;
    }

    private List<Count> statuses(SummarySource source, Filters filters) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String rows = source.selectByDay("rollup_endpoints", "status, requests", filters, parameters);
        String text = "SELECT CAST(status AS INTEGER), CAST(sum(requests) AS BIGINT) FROM (" + rows + ") e GROUP BY 1";
        List<Count> counts = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    counts.add(new Count(Integer.toString(result.getInt(1)), result.getLong(2)));
                }
            }
        }
        return counts;
    }

}
