package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.storage.Storage;
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
        Instant firstWholeHour = from.truncatedTo(ChronoUnit.HOURS).equals(from) ? from
                : from.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
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
     * What the dashboard's settings narrow every summary to: a hostname, no robots, no 404s
     * ({@code rollup_endpoints} keeps the status itself, the other tables a {@code not_found} flag).
     */
    record Filters(String hostname, boolean excludeBots, boolean exclude404) {

        static final Filters NONE = new Filters(null, false, false);

        static Filters of(DashboardQuery query) {
            return new Filters(query.hostname(), query.excludeBots(), query.exclude404());
        }

        String sql(String table, List<Object> parameters) {
            StringBuilder sql = new StringBuilder();
            if (hostname != null) {
                sql.append(" AND hostname = ?");
                parameters.add(hostname);
            }
            if (excludeBots) {
                sql.append(" AND NOT bot");
            }
            if (exclude404) {
                sql.append(table.equals("rollup_endpoints") ? " AND status <> 404" : " AND NOT not_found");
            }
            return sql.toString();
        }
    }
}
