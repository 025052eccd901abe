package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.Summaries;
import dev.apianalytics.server.summary.SummaryJob;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Summary rows of one key over {@code [from, to)}: the stored ones for the whole hours already
 * summarised, {@code [summarisedFrom, summarisedTo)}, and the same summaries computed on the fly
 * from the requests at either end (the part of an hour at the start, the hours not yet
 * summarised at the end), so a view is exact to the second and includes the last minute.
 * Narrowed to some local days (a weekday in India, whose days start at 18:30 UTC), the stored
 * summaries are those of the hours wholly in those days, and the rows answer the rest of them.
 * Panels that need no hours read whole UTC days from the days' summaries ({@link Summaries#DAY_TABLES}).
 */
final class SummarySource {

    private final long keyId;
    private final Instant from;
    private final Instant to;
    private final Instant summarisedFrom;
    private final Instant summarisedTo;
    private final List<Instant[]> localDays;
    private final Instant daysUntil;

    SummarySource(long keyId, Instant from, Instant to, Instant summarisedUntil) {
        this(keyId, from, to, summarisedUntil, null, null);
    }

    SummarySource(long keyId, Instant from, Instant to, Instant summarisedUntil, List<Instant[]> localDays) {
        this(keyId, from, to, summarisedUntil, null, localDays);
    }

    /**
     * {@code daysUntil}: until when the day tables hold every day ({@link SummaryJob#daysUntil}),
     * or null to read none; {@code localDays}: the UTC ranges of the local days the view is
     * narrowed to, when they cut UTC hours ({@link Filters#daysCutHours}), else null.
     */
    SummarySource(long keyId, Instant from, Instant to, Instant summarisedUntil, Instant daysUntil, List<Instant[]> localDays) {
        this.keyId = keyId;
        this.localDays = localDays;
        this.daysUntil = daysUntil;
        this.from = from;
        this.to = to;
        Instant firstWholeHour = Summaries.firstWholeHour(from);
        Instant lastWholeHour = to.truncatedTo(ChronoUnit.HOURS);
        Instant end = summarisedUntil.isBefore(lastWholeHour) ? summarisedUntil : lastWholeHour;
        this.summarisedFrom = firstWholeHour;
        this.summarisedTo = end.isAfter(firstWholeHour) ? end : firstWholeHour;
    }

    /**
     * How much of the range the stored summaries leave to the rows at its ends: the part hour at
     * the start and the hours not yet summarised (local days' part hours are not counted).
     */
    Duration live() {
        Duration live = Duration.ZERO;
        for (Instant[] range : ends()) {
            live = live.plus(Duration.between(range[0], range[1]));
        }
        return live;
    }

    /** This source over its whole range, not narrowed to local days (the hostnames list those of the period). */
    SummarySource unnarrowed() {
        return localDays == null ? this : new SummarySource(keyId, from, to, summarisedTo, daysUntil, null);
    }

    /** Whether any stored summary covers part of the range. */
    boolean hasSummaries() {
        return summarisedTo.isAfter(summarisedFrom);
    }

    long keyId() {
        return keyId;
    }

    Instant summarisedFrom() {
        return summarisedFrom;
    }

    Instant summarisedTo() {
        return summarisedTo;
    }

    /**
     * SQL for {@code columns} of the stored rows of {@code table} and of {@code live} (a
     * {@link dev.apianalytics.server.summary.Summaries} SELECT, given its WHERE clause) over the
     * requests outside them, both narrowed by {@code filters}; {@code parameters} receives the
     * values to bind, in order.
     */
    String select(String table, String columns, UnaryOperator<String> live, Filters filters, List<Object> parameters) {
        return select(table, columns, live, filters, parameters, null);
    }

    /** {@link #select(String, String, UnaryOperator, Filters, List)}, whole UTC days read from {@code dayTable} when not null. */
    private String select(String table, String columns, UnaryOperator<String> live, Filters filters, List<Object> parameters,
            String dayTable) {
        StringBuilder select = new StringBuilder();
        Instant[] days = dayTable == null ? null : storedDays();
        if (days == null) {
            stored(select, table, table, "hour", summarisedFrom, summarisedTo, columns, filters, parameters);
        } else {
            // whole UTC days from their own summary, the hours before and after them from the hours'
            stored(select, dayTable, table, "day", days[0], days[1], columns, filters, parameters);
            if (summarisedFrom.isBefore(days[0])) {
                stored(select, table, table, "hour", summarisedFrom, days[0], columns, filters, parameters);
            }
            if (days[1].isBefore(summarisedTo)) {
                stored(select, table, table, "hour", days[1], summarisedTo, columns, filters, parameters);
            }
        }
        for (LivePart part : liveParts()) {
            parameters.addAll(part.parameters());
            select.append(" UNION ALL SELECT ").append(columns).append(" FROM (").append(live.apply(part.where()))
                    .append(") live WHERE 1 = 1").append(filters.liveSql(table, parameters));
        }
        return select.toString();
    }

    /**
     * Appends the SELECT of {@code columns} of {@code table}'s rows whose {@code time} lies in
     * {@code [start, end)}, narrowed by {@code filters} as they narrow {@code summary}, the hourly
     * table whose rows {@code table} holds (itself or its day table).
     */
    private void stored(StringBuilder select, String table, String summary, String time, Instant start, Instant end,
            String columns, Filters filters, List<Object> parameters) {
        parameters.add(keyId);
        parameters.add(Storage.utc(start));
        parameters.add(Storage.utc(end));
        select.append(select.length() == 0 ? "SELECT " : " UNION ALL SELECT ").append(columns).append(" FROM ").append(table)
                .append(" WHERE key_id = ? AND ").append(time).append(" >= ? AND ").append(time).append(" < ?")
                .append(filters.sql(summary, parameters));
    }

    /** The whole UTC days among the stored hours that the day tables hold, {@code [first, end)}, or null when none. */
    private Instant[] storedDays() {
        if (daysUntil == null) {
            return null;
        }
        Instant first = summarisedFrom.truncatedTo(ChronoUnit.DAYS);
        if (first.isBefore(summarisedFrom)) {
            first = first.plus(1, ChronoUnit.DAYS);
        }
        Instant end = summarisedTo.truncatedTo(ChronoUnit.DAYS);
        if (daysUntil.isBefore(end)) {
            end = daysUntil;
        }
        return first.isBefore(end) ? new Instant[] {first, end} : null;
    }

    /**
     * SQL for {@code columns} of a summary over the range, narrowed by {@code filters}: of
     * {@code table} (a {@code rollup_} table), or of its slice table when the view is filtered by a
     * slice, stored and live alike.
     */
    String select(String table, String columns, Filters filters, List<Object> parameters) {
        return select(table, columns, filters, parameters, false);
    }

    /**
     * {@link #select(String, String, Filters, List)} of {@code columns} other than {@code hour}: the
     * whole UTC days among the stored hours from the summary's day table
     * ({@link Summaries#DAY_TABLES}) where it has one and the view keeps no local hour or weekday
     * (a month's endpoints at 1M rows: 6,000 rows where the hours are 150,000).
     */
    String selectByDay(String table, String columns, Filters filters, List<Object> parameters) {
        return select(table, columns, filters, parameters, filters.localTime() == null && localDays == null);
    }

    private String select(String table, String columns, Filters filters, List<Object> parameters, boolean byDay) {
        String read = filters.table(table);
        int slice = filters.slice() == null ? 0 : filters.slice().number();
        // a slice table's live rows are the slice's rows alone (its condition bound after the part's
        // bounds, as the live parts are written), whose value is then known where working it out costs
        // (the API version: a regular expression a row), not worked out for the others
        UnaryOperator<String> sliceRows = where -> where + filters.rowsSliceSql(parameters);
        String value = filters.slice() == null ? null : filters.slice().knownValue();
        UnaryOperator<String> live = switch (read) {
            case "rollup_endpoints" -> Summaries::endpointsSelect;
            case "rollup_values" -> Summaries::valuesSelect;
            case "rollup_top_users" -> where -> Summaries.usersSelect(where, null);
            case "rollup_quarters" -> Summaries::quartersSelect;
            case "rollup_slice_endpoints" -> where -> Summaries.sliceEndpointsSelect(sliceRows.apply(where), slice, value);
            case "rollup_slice_values" -> where -> Summaries.sliceValuesSelect(sliceRows.apply(where), slice, value);
            case "rollup_slice_quarters" -> where -> Summaries.sliceQuartersSelect(sliceRows.apply(where), slice, value);
            case "rollup_slice_top_users" -> where -> Summaries.sliceUsersSelect(sliceRows.apply(where), slice, value);
            default -> throw new IllegalArgumentException("no summary " + read);
        };
        return select(read, columns, live, filters, parameters, byDay ? Summaries.dayTableOf(read) : null);
    }

    /**
     * Where rows of one range are: each range is queried on its own, as one range of bound values
     * prunes the stored row groups by time where a disjunction of two would scan them all
     * (a disjunction of literals, as {@link #liveParts} writes for local days, prunes too).
     */
    static final String LIVE_WHERE = "key_id = ? AND created_at >= ? AND created_at < ?";

    /** Rows read in place of stored summaries: a WHERE clause on {@code requests} and the values it binds. */
    record LivePart(String where, List<Object> parameters) {}

    /**
     * The {@link #liveRanges} as WHERE clauses: one a range, or, narrowed to local days, one for
     * them all, its bounds literals, which DuckDB prunes row groups by (ten half hours of a month of
     * 10M rows: 58-80 ms, where a query a range took 70-108 ms, and each summary read that many).
     */
    List<LivePart> liveParts() {
        List<Instant[]> ranges = liveRanges();
        if (localDays != null) {
            return ranges.isEmpty() ? List.of()
                    : List.of(new LivePart("key_id = ? AND " + DashboardSql.within("created_at", ranges), List.of(keyId)));
        }
        List<LivePart> parts = new ArrayList<>(ranges.size());
        for (Instant[] range : ranges) {
            parts.add(new LivePart(LIVE_WHERE, List.of(keyId, Storage.utc(range[0]), Storage.utc(range[1]))));
        }
        return parts;
    }

    /**
     * The non-empty ranges of requests outside the stored summaries: the start and the end of the
     * period; narrowed to local days, the parts of those days outside the hours wholly in them
     * that are summarised (in India two half hours a day, besides the ends).
     */
    List<Instant[]> liveRanges() {
        if (localDays == null) {
            return ends();
        }
        List<Instant[]> ranges = new ArrayList<>();
        for (Instant[] day : localDays) {
            Instant start = later(day[0], from);
            Instant end = earlier(day[1], to);
            Instant storedStart = later(Summaries.firstWholeHour(day[0]), summarisedFrom);
            Instant storedEnd = earlier(day[1].truncatedTo(ChronoUnit.HOURS), summarisedTo);
            if (storedStart.isBefore(storedEnd)) {
                addRange(ranges, start, earlier(storedStart, end));
                addRange(ranges, later(storedEnd, start), end);
            } else {
                addRange(ranges, start, end);
            }
        }
        return ranges;
    }

    /** The ranges of the period's start and end that the stored summaries leave to the rows. */
    private List<Instant[]> ends() {
        List<Instant[]> ranges = new ArrayList<>(2);
        addRange(ranges, from, summarisedFrom);
        addRange(ranges, summarisedTo, to);
        return ranges;
    }

    private static void addRange(List<Instant[]> ranges, Instant start, Instant end) {
        if (start.isBefore(end)) {
            ranges.add(new Instant[] {start, end});
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /**
     * What the dashboard's settings narrow every summary to: a hostname, no robots, no 404s (the
     * endpoint tables keep the status itself, the others a {@code not_found} flag), the value
     * of one slice (a status, an endpoint, a country, client, OS, device or API version), read from
     * the slice tables, and the hours of a local hour or weekday. With {@code daysCutHours} (a
     * weekday where local days start inside UTC hours) the stored hours are those wholly in the
     * weekday's days, and the rows outside them are no more than the sources' live ranges hold,
     * which narrow them exactly ({@link SummarySource#liveRanges}).
     */
    record Filters(String hostname, boolean excludeBots, boolean exclude404, Slice slice, DashboardSql localTime,
            boolean daysCutHours) {

        static final Filters NONE = new Filters(null, false, false, null, null, false);

        /**
         * The query's filters; {@code localTime}: its SQL when the summaries' hours answer its local
         * hour or weekday ({@link DashboardSql#localTimeOfHour}), else null; {@code daysCutHours}: see above.
         */
        static Filters of(DashboardQuery query, DashboardSql localTime, boolean daysCutHours) {
            return new Filters(query.hostname(), query.excludeBots(), query.exclude404(), Slice.of(query), localTime,
                    daysCutHours);
        }

        /**
         * The table to read a summary from: its slice table when filtered by a slice, but the
         * endpoints themselves for a slice their columns answer (hidden endpoints: on PostgreSQL
         * their hours took 0.3 s from the slice table, where the endpoint slice is among six others).
         */
        String table(String table) {
            if (slice == null || onEndpointColumns(table)) {
                return table;
            }
            return table.equals("rollup_sketches") ? Summaries.SLICE_SKETCH_TABLES.get(slice.number() - 1)
                    : table.replace("rollup_", "rollup_slice_");
        }

        private boolean onEndpointColumns(String table) {
            return slice != null && slice.endpointsCondition() != null && table.equals("rollup_endpoints");
        }

        /**
         * The conditions but the slice's on the rows of {@link Summaries#sketchRowsSelect} (and
         * {@link Summaries#userRowsSelect}); the slice's go in their WHERE clause, {@link #rowsSliceSql}.
         */
        String sketchRowsSql(List<Object> parameters) {
            // there the hour is in epoch seconds
            return sql("rollup_sketches", parameters, true, true);
        }

        /** The slice's condition on the columns of {@code requests}, after an AND; empty without a slice. */
        String rowsSliceSql(List<Object> parameters) {
            return slice == null ? "" : " AND " + slice.rowsCondition(parameters);
        }

        /** The conditions on the stored rows of {@code table}, after an AND. */
        String sql(String table, List<Object> parameters) {
            return sql(table, parameters, false, false);
        }

        /** The conditions on summaries of {@code table} computed from the live rows, after an AND. */
        String liveSql(String table, List<Object> parameters) {
            return sql(table, parameters, false, true);
        }

        private String sql(String table, List<Object> parameters, boolean epochHours, boolean live) {
            StringBuilder sql = new StringBuilder();
            if (localTime != null && !(live && daysCutHours)) {
                sql.append(" AND ").append(localTime.localTimeOfHour("hour", epochHours, daysCutHours, parameters));
            }
            if (hostname != null) {
                sql.append(" AND hostname = ?");
                parameters.add(hostname);
            }
            if (excludeBots) {
                sql.append(" AND NOT bot");
            }
            if (exclude404) {
                sql.append(table.endsWith("endpoints") ? " AND status <> 404" : " AND NOT not_found");
            }
            if (onEndpointColumns(table)) {
                sql.append(" AND ").append(slice.endpointsCondition(parameters));
            } else if (slice != null && table.startsWith("rollup_slice_")) {
                sql.append(" AND slice = ").append(slice.number()).append(" AND ").append(slice.condition("slice_value", parameters));
            } else if (slice != null && Summaries.SLICE_SKETCH_TABLES.contains(table)) {
                sql.append(" AND ").append(slice.condition("slice_value", parameters));
            }
            return sql.toString();
        }
    }

    /**
     * A view's one filter that the slice tables answer (hidden endpoints: the endpoint slices of the
     * endpoints not hidden): slice {@code number} ({@link Summaries#SLICES})
     * with {@code condition} on its value ({@code $} standing for the column) and the values to bind;
     * {@code endpointsCondition}, when not null, is the same condition on the {@code endpoint} column
     * of {@code rollup_endpoints}, which then answers in place of the slice's endpoints;
     * {@code rowsCondition}, when not null, the same condition on the columns of {@code requests},
     * binding nothing (the API version's, matched: {@link Summaries#versionIs}; a status's, as a number).
     */
    record Slice(int number, String condition, List<Object> values, String endpointsCondition, String rowsCondition) {

        Slice(int number, String condition, List<Object> values) {
            this(number, condition, values, null, null);
        }

        /** The endpoint in an endpoint slice's value ({@code GET /users/{id}}): a method has no space. */
        private static final String ENDPOINT_OF_VALUE = "substr($, strpos($, ' ') + 1)";

        /** The slice a view's filters amount to, or null when they are none or more than one slice. */
        static Slice of(DashboardQuery query) {
            List<String> filters = SummaryAggregator.rowFilters(query);
            if (filters.equals(List.of("status"))) {
                // on the rows, the status as a number (its text cost a tenth of a straddling-hours read in Nepal)
                String rows = "status BETWEEN " + query.statusFrom() + " AND " + query.statusTo();
                return query.statusFrom().equals(query.statusTo())
                        ? new Slice(Summaries.SLICE_STATUS, "$ = ?", List.of(query.statusFrom().toString()), null, rows)
                        // status codes are three digits: as text they sort as numbers
                        : new Slice(Summaries.SLICE_STATUS, "$ BETWEEN ? AND ?",
                                List.of(query.statusFrom().toString(), query.statusTo().toString()), null, rows);
            }
            if (filters.equals(List.of("endpoint", "method"))) {
                return new Slice(Summaries.SLICE_ENDPOINT, "$ = ?", List.of(query.method() + " " + query.endpoint()));
            }
            if (filters.equals(List.of("endpoint"))) {
                return new Slice(Summaries.SLICE_ENDPOINT, ENDPOINT_OF_VALUE + " = ?", List.of(query.endpoint()));
            }
            if (filters.equals(List.of("method"))) {
                return new Slice(Summaries.SLICE_ENDPOINT, "$ LIKE ?", List.of(query.method() + " %"));
            }
            if (filters.equals(List.of("hide"))) {
                // the endpoints no pattern matches; a pattern matching the path of a request whose route
                // it does not match is for the rows to find (SummaryAggregator checks them)
                List<Object> patterns = List.copyOf(DashboardSql.likes(query));
                return new Slice(Summaries.SLICE_ENDPOINT, "NOT " + DashboardSql.anyLike(ENDPOINT_OF_VALUE, patterns.size()),
                        patterns, "NOT " + DashboardSql.anyLike("endpoint", patterns.size()), null);
            }
            if (filters.size() == 1) {
                return switch (filters.get(0)) {
                    case "version" -> new Slice(Summaries.SLICE_VERSION, "$ = ?", List.of(query.version()), null,
                            Summaries.versionIs(DashboardSql.ENDPOINT, query.version()));
                    case "country" -> new Slice(Summaries.SLICE_COUNTRY, "$ = ?", List.of(query.country()));
                    case "client" -> new Slice(Summaries.SLICE_CLIENT, "$ = ?", List.of(query.client()));
                    case "os" -> new Slice(Summaries.SLICE_OS, "$ = ?", List.of(query.os()));
                    case "device" -> new Slice(Summaries.SLICE_DEVICE, "$ = ?", List.of(query.device()));
                    default -> null;
                };
            }
            return null;
        }

        /**
         * The value, as SQL, that every row {@link #rowsCondition} keeps holds, where working it out
         * costs: the API version's (its regular expression, 2.7 µs a row on PostgreSQL), a literal,
         * as it is {@code v} and digits. Null for the other slices, whose values are columns.
         */
        String knownValue() {
            return number == Summaries.SLICE_VERSION && condition.equals("$ = ?")
                    ? "CAST('" + Summaries.versionLiteral((String) values.get(0)) + "' AS VARCHAR)" : null;
        }

        String condition(String column, List<Object> parameters) {
            parameters.addAll(values);
            return condition.replace("$", column);
        }

        /**
         * The condition on the columns of {@code requests}: {@link #rowsCondition} when set (it binds
         * nothing), else {@link #condition} on the slice's value ({@link Summaries#SLICES}).
         */
        String rowsCondition(List<Object> parameters) {
            return rowsCondition != null ? rowsCondition : condition("(" + Summaries.SLICES.get(number - 1) + ")", parameters);
        }

        /** {@link #endpointsCondition}, its values added to {@code parameters}. */
        String endpointsCondition(List<Object> parameters) {
            parameters.addAll(values);
            return endpointsCondition;
        }
    }
}
