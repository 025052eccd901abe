package dev.apianalytics.server.dashboard;

import java.util.List;

/**
 * Every panel of the dashboard for one period and filter set, as the page receives it (JSON).
 * Times are RFC 3339 UTC strings or epoch milliseconds ({@code activity[].t}); response times
 * are milliseconds. {@code estimated} is true when the numbers come from hourly summaries:
 * unique users and percentiles are then estimates (within a few percent) and top users are
 * counted from each hour's busiest. {@code rowsFrom} is set when raw rows before it are deleted
 * (raw retention) and this view reaches before it: it counts older requests from the summaries
 * when {@code estimated}, and not at all otherwise (filters the summaries cannot answer).
 * {@code rowsReadFor} names the query parameters that made the view read raw rows rather than
 * summaries ({@code country}, {@code status}, ..., {@code tz} when the local time panels came
 * from the rows, or {@code hide} when a hidden pattern matches a path whose route it does not);
 * it is empty when summaries could answer it all (a small key's view is read from the rows
 * anyway, exactly, as that is fast).
 */
record DashboardData(
        String period,
        String from,
        String to,
        long bucketSeconds,
        String timeZone,
        boolean estimated,
        List<String> hostnames,
        Summary summary,
        Percentiles percentiles,
        List<HistogramBucket> histogram,
        List<ActivityPoint> activity,
        List<EndpointRow> endpoints,
        List<Count> statuses,
        List<Count> countries,
        List<Count> clients,
        List<Count> oses,
        List<Count> devices,
        List<Count> versions,
        List<Count> referrers,
        long[] hours,
        long[] weekdays,
        List<UserRow> users,
        String rowsFrom,
        List<String> rowsReadFor) {

    /** This view, saying that raw rows before {@code instant} are gone. */
    DashboardData withRowsFrom(String instant) {
        return new DashboardData(period, from, to, bucketSeconds, timeZone, estimated, hostnames, summary, percentiles,
                histogram, activity, endpoints, statuses, countries, clients, oses, devices, versions, referrers, hours,
                weekdays, users, instant, rowsReadFor);
    }

    /** This view, saying that {@code filters} made it read raw rows. */
    DashboardData withRowsReadFor(List<String> filters) {
        return new DashboardData(period, from, to, bucketSeconds, timeZone, estimated, hostnames, summary, percentiles,
                histogram, activity, endpoints, statuses, countries, clients, oses, devices, versions, referrers, hours,
                weekdays, users, rowsFrom, filters);
    }

    /** A headline number and its value over the previous period of equal length (null for all time). */
    record Metric(Number current, Number previous) {}

    record Summary(Metric requests, Metric users, Metric userIds, Metric successRate, Metric meanResponseTime) {}

    record Percentiles(Double p50, Double p75, Double p90, Double p95, Double p99) {}

    /** Requests whose response time is in [from, to); {@code to} is null for the last bucket. */
    record HistogramBucket(double from, Double to, long count) {}

    /** One activity bucket starting at {@code t} (epoch milliseconds). */
    record ActivityPoint(long t, long requests, long users, Double meanResponseTime, Double successRate) {}

    record EndpointRow(String method, String endpoint, long requests, long s2xx, long s3xx, long s4xx, long s5xx,
            Double meanResponseTime) {}

    /** A value and how many requests had it; {@code key} is null for "unknown". */
    record Count(String key, long count) {}

    record UserRow(String key, long requests, Double successRate, String lastSeen) {}
}
