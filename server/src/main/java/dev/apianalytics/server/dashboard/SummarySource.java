package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.Summaries;
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
 */
final class SummarySource {

    private final long keyId;
    private final Instant from;
    private final Instant to;
    private final Instant summarisedFrom;
    private final Instant summarisedTo;

    SummarySource(long keyId, Instant from, Instant to, Instant summarisedUntil) {
        this.keyId = keyId;
        this.from = from;
        this.to = to;
        Instant firstWholeHour = Summaries.firstWholeHour(from);
        Instant lastWholeHour = to.truncatedTo(ChronoUnit.HOURS);
        Instant end = summarisedUntil.isBefore(lastWholeHour) ? summarisedUntil : lastWholeHour;
        this.summarisedFrom = firstWholeHour;
        this.summarisedTo = end.isAfter(firstWholeHour) ? end : firstWholeHour;
    }

    /** How much of the range the stored summaries leave to the rows. */
    Duration live() {
        Duration live = Duration.ZERO;
        for (Instant[] range : liveRanges()) {
            live = live.plus(Duration.between(range[0], range[1]));
        }
        return live;
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
     * {@link dev.apianalytics.server.summary.Summaries} SELECT, given its WHERE clause, which it
     * repeats {@code repeat} times) over the requests outside them, both narrowed by {@code filters};
     * {@code parameters} receives the values to bind, in order.
     */
    String select(String table, String columns, UnaryOperator<String> live, int repeat, Filters filters,
            List<Object> parameters) {
        parameters.add(keyId);
        parameters.add(Storage.utc(summarisedFrom));
        parameters.add(Storage.utc(summarisedTo));
        StringBuilder select = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(table)
                .append(" WHERE key_id = ? AND hour >= ? AND hour < ?").append(filters.sql(table, parameters));
        for (Instant[] range : liveRanges()) {
            for (int i = 0; i < repeat; i++) {
                parameters.add(keyId);
                parameters.add(Storage.utc(range[0]));
                parameters.add(Storage.utc(range[1]));
            }
            select.append(" UNION ALL SELECT ").append(columns).append(" FROM (").append(live.apply(LIVE_WHERE))
                    .append(") live WHERE 1 = 1").append(filters.sql(table, parameters));
        }
        return select.toString();
    }

    /**
     * SQL for {@code columns} of a summary over the range, narrowed by {@code filters}: of
     * {@code table} (a {@code rollup_} table), or of its slice table when the view is filtered by a
     * slice, stored and live alike.
     */
    String select(String table, String columns, Filters filters, List<Object> parameters) {
        String read = filters.table(table);
        int slice = filters.slice() == null ? 0 : filters.slice().number();
        return switch (read) {
            case "rollup_endpoints" -> select(read, columns, Summaries::endpointsSelect, 1, filters, parameters);
            case "rollup_values" -> select(read, columns, Summaries::valuesSelect, Summaries.VALUES_WHERE_COUNT, filters,
                    parameters);
            case "rollup_top_users" -> select(read, columns, where -> Summaries.usersSelect(where, null), 1, filters, parameters);
            case "rollup_quarters" -> select(read, columns, Summaries::quartersSelect, 1, filters, parameters);
            case "rollup_slice_endpoints" -> select(read, columns, where -> Summaries.sliceEndpointsSelect(where, slice), 1, filters,
                    parameters);
            case "rollup_slice_values" -> select(read, columns, where -> Summaries.sliceValuesSelect(where, slice), 1, filters, parameters);
            case "rollup_slice_quarters" -> select(read, columns, where -> Summaries.sliceQuartersSelect(where, slice), 1, filters,
                    parameters);
            case "rollup_slice_top_users" -> select(read, columns, where -> Summaries.sliceUsersSelect(where, slice), 1, filters,
                    parameters);
            default -> throw new IllegalArgumentException("no summary " + read);
        };
    }

    /**
     * Where rows of one range are: each range is queried on its own, as one range prunes the
     * stored row groups by time where a disjunction of two would scan them all.
     */
    static final String LIVE_WHERE = "key_id = ? AND created_at >= ? AND created_at < ?";

    /** The non-empty ranges of requests outside the stored summaries: the start and the end of the period. */
    List<Instant[]> liveRanges() {
        List<Instant[]> ranges = new ArrayList<>(2);
        if (from.isBefore(summarisedFrom)) {
            ranges.add(new Instant[] {from, summarisedFrom});
        }
        if (summarisedTo.isBefore(to)) {
            ranges.add(new Instant[] {summarisedTo, to});
        }
        return ranges;
    }

    /**
     * What the dashboard's settings narrow every summary to: a hostname, no robots, no 404s (the
     * endpoint tables keep the status itself, the others a {@code not_found} flag), the value
     * of one slice (a status, an endpoint, a country, client, OS, device or API version), read from
     * the slice tables, and the hours of a local hour or weekday.
     */
    record Filters(String hostname, boolean excludeBots, boolean exclude404, Slice slice, DashboardSql localTime) {

        static final Filters NONE = new Filters(null, false, false, null, null);

        /**
         * The query's filters; {@code localTime}: its SQL when the summaries' hours answer its local
         * hour or weekday ({@link DashboardSql#localTimeOfHour}), else null.
         */
        static Filters of(DashboardQuery query, DashboardSql localTime) {
            return new Filters(query.hostname(), query.excludeBots(), query.exclude404(), Slice.of(query), localTime);
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
            return sql("rollup_sketches", parameters, true);
        }

        /** The slice's condition on the columns of {@code requests}, after an AND; empty without a slice. */
        String rowsSliceSql(List<Object> parameters) {
            return slice == null ? "" : " AND " + slice.rowsCondition(parameters);
        }

        String sql(String table, List<Object> parameters) {
            return sql(table, parameters, false);
        }

        private String sql(String table, List<Object> parameters, boolean epochHours) {
            StringBuilder sql = new StringBuilder();
            if (localTime != null) {
                sql.append(" AND ").append(localTime.localTimeOfHour("hour", epochHours, parameters));
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
     * binding nothing (the API version's, matched: {@link Summaries#versionIs}).
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
                return query.statusFrom().equals(query.statusTo())
                        ? new Slice(Summaries.SLICE_STATUS, "$ = ?", List.of(query.statusFrom().toString()))
                        // status codes are three digits: as text they sort as numbers
                        : new Slice(Summaries.SLICE_STATUS, "$ BETWEEN ? AND ?",
                                List.of(query.statusFrom().toString(), query.statusTo().toString()));
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
