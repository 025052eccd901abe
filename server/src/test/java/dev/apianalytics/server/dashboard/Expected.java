package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.SeedData.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The dashboard's numbers computed in plain Java from the seeded rows, to check the SQL against. */
final class Expected {

    private static final Pattern VERSION = Pattern.compile("v[0-9]{1,7}");

    private final List<Row> rows;
    private final ZoneId zone;

    Expected(List<Row> all, Instant from, Instant to, ZoneId zone, Predicate<Row> filter) {
        this.rows = all.stream()
                .filter(r -> !r.createdAt().isBefore(from) && r.createdAt().isBefore(to))
                .filter(filter)
                .toList();
        this.zone = zone;
    }

    long requests() {
        return rows.size();
    }

    long distinctIps() {
        return rows.stream().map(Row::ip).filter(Objects::nonNull).distinct().count();
    }

    long distinctUserIds() {
        return rows.stream().map(Row::userId).filter(Objects::nonNull).distinct().count();
    }

    double successRate() {
        return rows.stream().filter(r -> r.status() < 400).count() / (double) rows.size();
    }

    double meanResponseTime() {
        return rows.stream().mapToDouble(Row::responseTime).average().orElseThrow();
    }

    /** Linear interpolation between closest ranks, as percentile_cont and quantile_cont define it. */
    double percentile(double fraction) {
        double[] sorted = rows.stream().mapToDouble(Row::responseTime).sorted().toArray();
        double position = fraction * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = (int) Math.ceil(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    Map<String, Long> countBy(Function<Row, String> key) {
        return rows.stream().filter(r -> key.apply(r) != null)
                .collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }

    Map<String, Long> statuses() {
        return countBy(r -> Integer.toString(r.status()));
    }

    Map<String, Long> endpoints() {
        return countBy(r -> r.method() + " " + r.endpoint());
    }

    Map<String, Long> endpointsWithStatusClass(int statusClass) {
        return rows.stream().filter(r -> r.status() / 100 == statusClass)
                .collect(Collectors.groupingBy(r -> r.method() + " " + r.endpoint(), TreeMap::new, Collectors.counting()));
    }

    /** The version named by the first or second path segment, as {@code v<digits>}. */
    Map<String, Long> versions() {
        return countBy(r -> {
            String[] segments = r.path().split("/", -1);
            for (int i = 1; i <= 2 && i < segments.length; i++) {
                if (VERSION.matcher(segments[i]).matches()) {
                    return segments[i];
                }
            }
            return null;
        });
    }

    long[] hours() {
        long[] hours = new long[24];
        rows.forEach(r -> hours[ZonedDateTime.ofInstant(r.createdAt(), zone).getHour()]++);
        return hours;
    }

    /** Monday first. */
    long[] weekdays() {
        long[] days = new long[7];
        rows.forEach(r -> days[ZonedDateTime.ofInstant(r.createdAt(), zone).getDayOfWeek().getValue() - 1]++);
        return days;
    }

    Map<LocalDate, Long> perLocalDay() {
        return rows.stream().collect(Collectors.groupingBy(r -> LocalDate.ofInstant(r.createdAt(), zone), TreeMap::new,
                Collectors.counting()));
    }

    /** The top users by request count (ties broken by name), user id where set, otherwise IP. */
    List<Map.Entry<String, Long>> topUsers(int limit) {
        return countBy(Row::user).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .toList();
    }

    /** The most common value of a column (ties broken by name). */
    String top(Function<Row, String> key) {
        return countBy(key).entrySet().stream()
                .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .map(Map.Entry::getKey)
                .orElseThrow();
    }
}
