package dev.apianalytics.server.dashboard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.apianalytics.server.storage.Storage;
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
import java.util.function.Function;

/**
 * Whether a view's hidden endpoints can come from the summaries: no request of its period and
 * the previous one has a path that a hidden pattern matches and a route that none does
 * ({@link DashboardSql#hiddenOnlyByPath}). Scanning the paths of 60 days of 10 million rows costs
 * 0.1-0.3 s of a core, and a dashboard with hidden endpoints asks on every view, so what the rows
 * showed is remembered per key and patterns: a span found clean, whose next views scan only the
 * requests outside it and those of its last {@link SummaryJob#LATE_AFTER}, which may still be
 * arriving; and the time of a request found, which answers without a query while a view's span
 * holds it. Both are forgotten {@link #LIFETIME} after the oldest check they rest on, so a request
 * that arrives later than that with such a path sends the views to the rows within that time.
 */
final class HiddenPathChecks {

    static final Duration LIFETIME = Duration.ofMinutes(5);
    /** Characters of patterns remembered, half for each kind: a key may hide 50 patterns of 2,048 characters. */
    private static final long MAX_PATTERN_CHARS = 4_000_000;

    private record Patterns(long keyId, List<String> hidden) {
        int chars() {
            return hidden.stream().mapToInt(String::length).sum() + 16;
        }
    }

    /** No request hidden by its path only was made from {@code from} until {@code to}, as of {@code checkedAt}. */
    private record Clean(Instant from, Instant to, Instant checkedAt) {}

    /** A request hidden by its path only was made {@code at}, as found at {@code checkedAt}. */
    private record Found(Instant at, Instant checkedAt) {}

    private final Clock clock;
    private final Cache<Patterns, Clean> clean;
    private final Cache<Patterns, Found> found;

    /** Forgets on {@code clock}, the collector's. */
    HiddenPathChecks(Clock clock) {
        this.clock = clock;
        this.clean = cache(clock);
        this.found = cache(clock);
    }

    private static <V> Cache<Patterns, V> cache(Clock clock) {
        return Caffeine.newBuilder()
                .maximumWeight(MAX_PATTERN_CHARS / 2)
                .weigher((Patterns patterns, V what) -> patterns.chars())
                .expireAfterWrite(LIFETIME)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /**
     * Whether a request found earlier shows, without a query, that a request of the key between
     * {@code from} and {@code to} is hidden by its path only; false when that is not known.
     */
    boolean knownToHide(long keyId, DashboardSql sql, Instant from, Instant to) {
        Found request = fresh(found.getIfPresent(new Patterns(keyId, sql.hidden())), Found::checkedAt);
        return request != null && !request.at().isBefore(from) && request.at().isBefore(to);
    }

    /** Whether a request of the key between {@code from} and {@code to} is hidden by its path only. */
    boolean hiddenOnlyByPath(Connection connection, long keyId, DashboardSql sql, Instant from, Instant to) throws SQLException {
        if (knownToHide(keyId, sql, from, to)) {
            return true;
        }
        Patterns patterns = new Patterns(keyId, sql.hidden());
        Instant now = clock.instant();
        Clean before = fresh(clean.getIfPresent(patterns), Clean::checkedAt);
        boolean joins = before != null && !from.isAfter(before.to()) && !to.isBefore(before.from());
        List<Instant[]> unchecked = new ArrayList<>(2);
        if (!joins) {
            unchecked.add(new Instant[] {from, to});
        } else {
            if (from.isBefore(before.from())) {
                unchecked.add(new Instant[] {from, before.from()});
            }
            Instant arriving = before.to().minus(SummaryJob.LATE_AFTER);
            Instant recent = from.isAfter(arriving) ? from : arriving;
            if (to.isAfter(recent)) {
                unchecked.add(new Instant[] {recent, to});
            }
        }
        for (Instant[] range : unchecked) {
            Instant at = find(connection, keyId, sql, range[0], range[1]);
            if (at != null) {
                found.put(patterns, new Found(at, now));
                return true;
            }
        }
        clean.put(patterns, joins
                ? new Clean(from.isBefore(before.from()) ? from : before.from(), to.isAfter(before.to()) ? to : before.to(),
                        before.checkedAt())
                : new Clean(from, to, now));
        return false;
    }

    /** {@code known}, unless the check it rests on is {@link #LIFETIME} old (written again just as it expired). */
    private <T> T fresh(T known, Function<T, Instant> checkedAt) {
        return known != null && clock.instant().isBefore(checkedAt.apply(known).plus(LIFETIME)) ? known : null;
    }

    /** When a request hidden by its path only was made between {@code from} and {@code to}, or null. */
    private static Instant find(Connection connection, long keyId, DashboardSql sql, Instant from, Instant to)
            throws SQLException {
        List<Object> parameters = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.hiddenOnlyByPath(keyId, from, to, parameters))) {
            Storage.planWithValues(select);
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return Storage.instant(rows, 1);
            }
        }
    }
}
