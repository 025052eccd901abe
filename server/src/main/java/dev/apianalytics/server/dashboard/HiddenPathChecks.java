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

/**
 * Whether a view's hidden endpoints can come from the summaries: no request of its period and
 * the previous one has a path that a hidden pattern matches and a route that none does
 * ({@link DashboardSql#hiddenOnlyByPath}). Scanning the paths of 60 days of 10 million rows costs
 * 0.1-0.3 s of a core, and a dashboard with hidden endpoints asks on every view, so what the rows
 * showed is remembered per key and patterns: a span found clean, whose next views scan only the
 * requests outside it and those of its last {@link SummaryJob#LATE_AFTER}, which may still be
 * arriving; or the time of a request found, while the view's span holds it. Both are forgotten
 * {@link #LIFETIME} after the oldest check they rest on, so a request that arrives later than that
 * with such a path sends the views to the rows within that time.
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

    /**
     * What the rows showed, as of {@code checkedAt} or later: none such from {@code from} until
     * {@code to}, or (when {@code found} is not null) one made at {@code found}.
     */
    private record Known(Instant from, Instant to, Instant found, Instant checkedAt) {}

    private final Clock clock;
    private final Cache<Patterns, Known> known;

    /** Forgets on {@code clock}, the collector's. */
    HiddenPathChecks(Clock clock) {
        this.clock = clock;
        this.known = Caffeine.newBuilder()
                .maximumWeight(MAX_PATTERN_CHARS)
                .weigher((Patterns patterns, Known what) -> patterns.chars())
                .expireAfterWrite(LIFETIME)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
    }

    /** Whether a request of the key between {@code from} and {@code to} is hidden by its path only. */
    boolean hiddenOnlyByPath(Connection connection, long keyId, DashboardSql sql, Instant from, Instant to) throws SQLException {
        Patterns patterns = new Patterns(keyId, sql.hidden());
        Instant now = clock.instant();
        Known before = known.getIfPresent(patterns);
        if (before != null && !now.isBefore(before.checkedAt().plus(LIFETIME))) {
            // rests on a check too old: written again just as it expired
            before = null;
        }
        if (before != null && before.found() != null) {
            if (!before.found().isBefore(from) && before.found().isBefore(to)) {
                return true;
            }
            before = null;
        }
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
            Instant found = found(connection, keyId, sql, range[0], range[1]);
            if (found != null) {
                known.put(patterns, new Known(null, null, found, now));
                return true;
            }
        }
        known.put(patterns, joins
                ? new Known(from.isBefore(before.from()) ? from : before.from(), to.isAfter(before.to()) ? to : before.to(), null,
                        before.checkedAt())
                : new Known(from, to, null, now));
        return false;
    }

    /** When a request hidden by its path only was made between {@code from} and {@code to}, or null. */
    private static Instant found(Connection connection, long keyId, DashboardSql sql, Instant from, Instant to)
            throws SQLException {
        List<Object> parameters = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.hiddenOnlyByPath(keyId, from, to, parameters))) {
            DashboardSql.bind(select, parameters);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Storage.instant(rows, 1) : null;
            }
        }
    }
}
