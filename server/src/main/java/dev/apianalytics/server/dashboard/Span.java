package dev.apianalytics.server.dashboard;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The time a dashboard covers: the period {@code [from, to)}, the previous period of equal
 * length {@code [previousFrom, from)} (none for all time), and the activity buckets.
 *
 * @param bucket activity bucket length in seconds
 * @param shift seconds added to local time before cutting buckets (weekly buckets start on Mondays)
 */
record Span(Instant from, Instant to, Instant previousFrom, boolean allTime, long bucket, long shift) {

    /** Monday 00:00 is 4 days after the epoch (a Thursday): weekly buckets start on Mondays. */
    private static final long WEEK_SHIFT = 3 * 86_400L;

    static Span of(Connection connection, long keyId, DashboardQuery query, Instant now) throws SQLException {
        boolean allTime = query.period() == DashboardQuery.Period.ALL;
        Instant from = query.from(now, allTime ? DashboardAggregator.firstRequest(connection, keyId) : null);
        long length = Math.max(1, now.getEpochSecond() - from.getEpochSecond());
        Instant previousFrom = allTime ? from : from.minusSeconds(length);
        long bucket = allTime ? bucketFor(length) : query.period().bucketSeconds;
        long shift = bucket % (7 * 86_400L) == 0 ? WEEK_SHIFT : 0;
        return new Span(from, now, previousFrom, allTime, bucket, shift);
    }

    /** A bucket for an arbitrary span ("all time") giving at most about a hundred points. */
    static long bucketFor(long seconds) {
        long[] choices = {3_600L, 3 * 3_600L, 6 * 3_600L, 86_400L, 7 * 86_400L, 30 * 86_400L};
        for (long choice : choices) {
            if (seconds / choice <= 100) {
                return choice;
            }
        }
        return 30 * 86_400L;
    }
}
