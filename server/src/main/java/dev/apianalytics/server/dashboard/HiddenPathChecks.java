package dev.apianalytics.server.dashboard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.apianalytics.server.summary.SummaryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a view's hidden endpoints can come from the summaries: no request of its span has a
 * path that a hidden pattern matches and a route that none does ({@link DashboardSql#hiddenOnlyByPath}).
 * Scanning the paths of 30 days of 10 million rows costs 0.1-0.2 s of a core, and a dashboard
 * with hidden endpoints asks on every view, so the span found clean is remembered per key and
 * patterns: the next views scan only the requests outside it and those of its last
 * {@link SummaryJob#LATE_AFTER}, which may still be arriving. What is remembered is forgotten
 * {@link #LIFETIME} after it was first found, so a request arriving later than that with such a
 * path sends the views to the rows within that time.
 */
final class HiddenPathChecks {

    static final Duration LIFETIME = Duration.ofMinutes(5);
    /** Characters of patterns remembered: a key may hide 50 patterns of 2,048 characters. */
    private static final long MAX_PATTERN_CHARS = 4_000_000;

    private record Patterns(long keyId, List<String> hidden) {
        int chars() {
            return hidden.stream().mapToInt(String::length).sum() + 16;
        }
    }

    /** Requests from {@code from} until {@code to} hold none that only a path hides. */
    private record Clean(Instant from, Instant to) {}

    private final Cache<Patterns, Clean> clean;

    /** Forgets on {@code clock}, the collector's. */
    HiddenPathChecks(Clock clock) {
        this.clean = Caffeine.newBuilder()
                .maximumWeight(MAX_PATTERN_CHARS)
                .weigher((Patterns patterns, Clean span) -> patterns.chars())
                .expireAfter(Expiry.creating((Patterns patterns, Clean span) -> LIFETIME))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** Whether a request of the key between {@code from} and {@code to} is hidden by its path only. */
    boolean hiddenOnlyByPath(Connection connection, long keyId, DashboardQuery query, DashboardSql sql, Instant from, Instant to)
            throws SQLException {
        Patterns patterns = new Patterns(keyId, query.hidden());
        Clean known = clean.getIfPresent(patterns);
        boolean joins = known != null && !from.isAfter(known.to()) && !to.isBefore(known.from());
        List<Instant[]> unchecked = new ArrayList<>(2);
        if (!joins) {
            unchecked.add(new Instant[] {from, to});
        } else {
            if (from.isBefore(known.from())) {
                unchecked.add(new Instant[] {from, known.from()});
            }
            Instant arriving = known.to().minus(SummaryJob.LATE_AFTER);
            Instant recent = from.isAfter(arriving) ? from : arriving;
            if (to.isAfter(recent)) {
                unchecked.add(new Instant[] {recent, to});
            }
        }
        for (Instant[] range : unchecked) {
            if (found(connection, keyId, sql, range[0], range[1])) {
                return true;
            }
        }
        clean.put(patterns, joins ? new Clean(earlier(from, known.from()), to.isAfter(known.to()) ? to : known.to())
                : new Clean(from, to));
        return false;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static boolean found(Connection connection, long keyId, DashboardSql sql, Instant from, Instant to)
            throws SQLException {
        List<Object> parameters = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.hiddenOnlyByPath(keyId, from, to, parameters))) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }
}
