package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.DashboardData.ActivityPoint;
import dev.apianalytics.server.dashboard.DashboardData.Count;
import dev.apianalytics.server.dashboard.DashboardData.EndpointRow;
import dev.apianalytics.server.dashboard.DashboardData.Percentiles;
import dev.apianalytics.server.dashboard.DashboardData.UserRow;
import dev.apianalytics.server.summary.DistinctSketch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every panel {@link DashboardAggregator} computes from a view's rows, tallied in Java as the rows
 * stream past once: PostgreSQL spends about a microsecond a row on each grouped query, and a
 * view's dozen queries over the 416,000 rows of a local hour in India (10M rows, 30 days) took
 * 2.4 s where sending the rows once takes about 0.5 s. The numbers are those of the queries:
 * exact counts and distinct counts, percentiles interpolated as {@code percentile_cont}, the same
 * local hours, weekdays and activity buckets ({@link DashboardSql#localEpochOf}). Distinct
 * addresses, user ids and users per bucket are counted by their 64-bit hashes
 * ({@link DistinctSketch#hash}; two values of 500,000 share one with a chance of about one in
 * 10<sup>8</sup>). Ties are ranked by code point, as PostgreSQL's "C" collation and DuckDB rank
 * them in the queries. What it holds is estimated by {@link #bytes}, for the caller to bound.
 */
final class RowTally {

    /** An API version in an endpoint's first or second segment, as {@link DashboardSql#version} reads it. */
    private static final Pattern VERSION = Pattern.compile("^/(?:[^/]+/)?(v[0-9]{1,7})(?:/|\\z)");

    private final DashboardSql sql;
    private final long bucket;
    private final long shift;

    private long bytes;
    private long requests;
    private long successes;
    private double timeSum;
    private final Hashes ips = new Hashes();
    private final Hashes userIds = new Hashes();
    private double[] times = new double[1024];
    private final long[] histogram = new long[Panels.HISTOGRAM_EDGES.length];
    private final Map<Long, BucketTally> buckets = new HashMap<>();
    private BucketTally lastBucket;
    private long lastBucketIndex;
    /** By endpoint, then method. */
    private final Map<String, Map<String, EndpointTally>> endpoints = new HashMap<>();
    private final Map<String, long[]> statuses = new HashMap<>();
    private final Map<String, long[]> countries = new HashMap<>();
    private final Map<String, long[]> clients = new HashMap<>();
    private final Map<String, long[]> oses = new HashMap<>();
    private final Map<String, long[]> devices = new HashMap<>();
    private final Map<String, long[]> referrers = new HashMap<>();
    private final long[] hours = new long[24];
    private final long[] weekdays = new long[7];
    private final Map<String, UserTally> users = new HashMap<>();

    /** Tallies the rows of {@code sql}'s view, its activity in buckets of {@code bucket} seconds shifted by {@code shift}. */
    RowTally(DashboardSql sql, long bucket, long shift) {
        this.sql = sql;
        this.bucket = bucket;
        this.shift = shift;
    }

    /**
     * Distinct 64-bit hashes: an open-addressing table, linear probing, grown at half full. Written
     * here because the JDK has no set of primitive longs, and boxing one per row (or sorting every
     * hash at the end) cost a third of the tally. A slot is chosen by the high bits of the hash
     * times a random odd number, so that values made to share the bits of a fixed slot function
     * (the hash is public) cannot crowd one run of slots.
     */
    private static final class Hashes {
        private final long multiplier = ThreadLocalRandom.current().nextLong() | 1;
        private long[] slots = new long[64];
        /** 64 less the bits of a slot's index. */
        private int shift = 64 - 6;
        /** Whether the hash 0, which marks an empty slot, was added. */
        private boolean zero;
        private int size;

        /** Adds a hash; true when it is new. */
        boolean add(long hash) {
            if (hash == 0) {
                boolean added = !zero;
                zero = true;
                return added;
            }
            int mask = slots.length - 1;
            int i = slot(hash);
            while (slots[i] != 0) {
                if (slots[i] == hash) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = hash;
            if (++size * 2 > slots.length) {
                grow();
            }
            return true;
        }

        private int slot(long hash) {
            return (int) ((hash * multiplier) >>> shift);
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            shift--;
            int mask = slots.length - 1;
            for (long hash : old) {
                if (hash != 0) {
                    int i = slot(hash);
                    while (slots[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    slots[i] = hash;
                }
            }
        }

        void addAll(Hashes other) {
            for (long hash : other.slots) {
                if (hash != 0) {
                    add(hash);
                }
            }
            zero |= other.zero;
        }

        /** How many distinct hashes were added. */
        long distinct() {
            return size + (zero ? 1 : 0);
        }
    }

    /** Requests, successes, response time and users of an activity bucket. */
    private static final class BucketTally {
        long requests;
        long successes;
        double timeSum;
        final Hashes users = new Hashes();
    }

    /** Requests, successes and the last request of a user. */
    private static final class UserTally {
        long requests;
        long successes;
        Instant last;
    }

    /** Requests per status class and response time of one method and endpoint. */
    private static final class EndpointTally {
        String method;
        String endpoint;
        long requests;
        final long[] classes = new long[6];
        double timeSum;
    }

    /** Adds what {@code other}, a tally of other rows of the same view, counted. */
    void merge(RowTally other) {
        bytes += other.bytes;
        ips.addAll(other.ips);
        userIds.addAll(other.userIds);
        times = Arrays.copyOf(times, (int) (requests + other.requests));
        System.arraycopy(other.times, 0, times, (int) requests, (int) other.requests);
        requests += other.requests;
        successes += other.successes;
        timeSum += other.timeSum;
        for (int i = 0; i < histogram.length; i++) {
            histogram[i] += other.histogram[i];
        }
        other.buckets.forEach((index, theirs) -> {
            BucketTally ours = buckets.computeIfAbsent(index, i -> new BucketTally());
            ours.requests += theirs.requests;
            ours.successes += theirs.successes;
            ours.timeSum += theirs.timeSum;
            ours.users.addAll(theirs.users);
        });
        other.endpoints.forEach((endpoint, byMethod) -> byMethod.forEach((method, theirs) -> {
            EndpointTally ours = endpoints.computeIfAbsent(endpoint, e -> new HashMap<>(4))
                    .computeIfAbsent(method, m -> new EndpointTally());
            ours.requests += theirs.requests;
            ours.timeSum += theirs.timeSum;
            for (int c = 0; c < ours.classes.length; c++) {
                ours.classes[c] += theirs.classes[c];
            }
        }));
        mergeCounts(statuses, other.statuses);
        mergeCounts(countries, other.countries);
        mergeCounts(clients, other.clients);
        mergeCounts(oses, other.oses);
        mergeCounts(devices, other.devices);
        mergeCounts(referrers, other.referrers);
        for (int i = 0; i < hours.length; i++) {
            hours[i] += other.hours[i];
        }
        for (int i = 0; i < weekdays.length; i++) {
            weekdays[i] += other.weekdays[i];
        }
        other.users.forEach((user, theirs) -> {
            UserTally ours = users.computeIfAbsent(user, u -> new UserTally());
            ours.requests += theirs.requests;
            ours.successes += theirs.successes;
            if (ours.last == null || theirs.last.isAfter(ours.last)) {
                ours.last = theirs.last;
            }
        });
    }

    private static void mergeCounts(Map<String, long[]> ours, Map<String, long[]> theirs) {
        theirs.forEach((key, count) -> ours.computeIfAbsent(key, k -> new long[1])[0] += count[0]);
    }

    /** Counts only what the headline needs (the previous period's rows). */
    void addHeadline(int status, double time, String ip, String userId) {
        requests++;
        successes += status < 400 ? 1 : 0;
        timeSum += time;
        if (ip != null && ips.add(DistinctSketch.hash(ip))) {
            bytes += HASH_BYTES;
        }
        if (userId != null && userIds.add(DistinctSketch.hash(userId))) {
            bytes += HASH_BYTES;
        }
    }

    /** What a distinct hash holds: a slot of 8 bytes in a table at most half full, and the table's growth. */
    private static final long HASH_BYTES = 32;

    /** What a map entry keyed by {@code key} holds: the string, its node and its tally. */
    private static long entryBytes(String key) {
        return 160 + 2L * (key == null ? 0 : key.length());
    }

    /** What an endpoint and method hold beyond their strings: the map of methods, the tally and its classes. */
    private static final long ENDPOINT_BYTES = 400;
    /** What an activity bucket holds beyond its users' hashes: its tally and an empty table. */
    private static final long BUCKET_BYTES = 800;

    /**
     * An estimate of the bytes the tally holds: 8 a row (its response time), {@value #HASH_BYTES}
     * a distinct hash, some 160 plus the text for each distinct user and value, and more for each
     * endpoint and activity bucket; more than a 64-bit JVM with compressed references holds, by the
     * sizes of its objects.
     */
    long bytes() {
        return bytes;
    }

    /** Counts one row of the view. */
    void add(Instant at, int status, double responseTime, String ip, String userId, String country, String client, String os,
            String device, String referrer, String method, String endpoint) {
        // -0.0 ranks as 0.0, as in the queries
        double time = responseTime == 0 ? 0.0 : responseTime;
        addHeadline(status, time, ip, userId);
        boolean success = status < 400;
        int index = (int) requests - 1;
        if (index >= times.length) {
            times = Arrays.copyOf(times, Math.max(1024, times.length * 2));
        }
        times[index] = time;
        bytes += Double.BYTES;
        histogram[histogramBucket(time)]++;
        long local = sql.localEpochOf(at);
        String user = userId != null ? userId : ip;
        long bucketIndex = Math.floorDiv(local + shift, bucket);
        if (lastBucket == null || bucketIndex != lastBucketIndex) {
            // rows come mostly in time order: a bucket's are looked up once a run
            lastBucket = buckets.get(bucketIndex);
            if (lastBucket == null) {
                lastBucket = new BucketTally();
                buckets.put(bucketIndex, lastBucket);
                bytes += BUCKET_BYTES;
            }
            lastBucketIndex = bucketIndex;
        }
        BucketTally inBucket = lastBucket;
        inBucket.requests++;
        inBucket.successes += success ? 1 : 0;
        inBucket.timeSum += time;
        if (user != null) {
            if (inBucket.users.add(DistinctSketch.hash(user))) {
                bytes += HASH_BYTES;
            }
            UserTally byUser = users.get(user);
            if (byUser == null) {
                byUser = new UserTally();
                users.put(user, byUser);
                bytes += entryBytes(user);
            }
            byUser.requests++;
            byUser.successes += success ? 1 : 0;
            if (byUser.last == null || at.isAfter(byUser.last)) {
                byUser.last = at;
            }
        }
        Map<String, EndpointTally> byMethod = endpoints.computeIfAbsent(endpoint, e -> new HashMap<>(4));
        EndpointTally byEndpoint = byMethod.get(method);
        if (byEndpoint == null) {
            byEndpoint = new EndpointTally();
            byMethod.put(method, byEndpoint);
            bytes += ENDPOINT_BYTES + entryBytes(endpoint) + entryBytes(method);
        }
        byEndpoint.requests++;
        if (status >= 200 && status < 600) {
            byEndpoint.classes[status / 100]++;
        }
        byEndpoint.timeSum += time;
        count(statuses, Integer.toString(status));
        count(countries, country);
        count(clients, client);
        count(oses, os);
        count(devices, device);
        if (referrer != null) {
            count(referrers, referrer);
        }
        hours[(int) Math.floorMod(Math.floorDiv(local, 3600), 24L)]++;
        weekdays[(int) Math.floorMod(Math.floorDiv(local, 86_400) + 3, 7L)]++;
    }

    private void count(Map<String, long[]> counts, String key) {
        long[] count = counts.get(key);
        if (count == null) {
            counts.put(key, new long[] {1});
            bytes += entryBytes(key);
        } else {
            count[0]++;
        }
    }

    /** The histogram panel's bucket of a response time, as the rows' {@code CASE} puts it. */
    private static int histogramBucket(double time) {
        double[] edges = Panels.HISTOGRAM_EDGES;
        for (int i = 1; i < edges.length; i++) {
            if (time < edges[i]) {
                return i - 1;
            }
        }
        return edges.length - 1;
    }

    /**
     * Requests, distinct addresses, distinct user ids, successes and the mean response time (NaN
     * without rows), as {@link DashboardAggregator}'s headline query gives them.
     */
    double[] headline() {
        return new double[] {requests, ips.distinct(), userIds.distinct(), successes,
                requests == 0 ? Double.NaN : timeSum / requests};
    }

    /** The percentiles of response time, interpolated between the nearest ranks as {@code percentile_cont}. */
    Percentiles percentiles() {
        if (requests == 0) {
            return new Percentiles(null, null, null, null, null);
        }
        double[] sorted = Arrays.copyOf(times, (int) requests);
        Arrays.sort(sorted);
        return new Percentiles(percentile(sorted, 0.5), percentile(sorted, 0.75), percentile(sorted, 0.9),
                percentile(sorted, 0.95), percentile(sorted, 0.99));
    }

    private static double percentile(double[] sorted, double fraction) {
        double rank = fraction * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return below == above ? sorted[below] : sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    long[] histogram() {
        return histogram.clone();
    }

    /** Every activity bucket of the period from {@code from} to {@code to}. */
    List<ActivityPoint> activity(Instant from, Instant to) {
        Map<Long, ActivityPoint> byIndex = new HashMap<>();
        buckets.forEach((index, tally) -> byIndex.put(index, new ActivityPoint(Panels.start(sql, index, bucket, shift),
                tally.requests, tally.users.distinct(), tally.timeSum / tally.requests, (double) tally.successes / tally.requests)));
        return Panels.activity(byIndex, sql, from, to, bucket, shift);
    }

    /**
     * The endpoint table (the top {@value Panels#TOP_ENDPOINTS} overall and of each status class,
     * busiest first) and the requests per API version, as {@link Panels#endpoints} ranks them.
     */
    Panels.Endpoints endpoints() {
        List<EndpointTally> all = new ArrayList<>();
        endpoints.forEach((endpoint, byMethod) -> byMethod.forEach((method, tally) -> {
            tally.endpoint = endpoint;
            tally.method = method;
            all.add(tally);
        }));
        Comparator<EndpointTally> table = Comparator.comparingLong((EndpointTally tally) -> tally.requests).reversed()
                .thenComparing(tally -> tally.endpoint, Comparator.nullsLast(Panels.CODE_POINT_ORDER))
                .thenComparing(tally -> tally.method, Comparator.nullsLast(Panels.CODE_POINT_ORDER));
        Set<EndpointTally> shown = new LinkedHashSet<>();
        for (int ranking = 0; ranking <= 5; ranking = ranking == 0 ? 2 : ranking + 1) {
            // overall (0), then per status class (2 to 5)
            int by = ranking;
            all.stream()
                    .sorted(Comparator.comparingLong((EndpointTally tally) -> by == 0 ? tally.requests : tally.classes[by]).reversed()
                            .thenComparing(table))
                    .limit(Panels.TOP_ENDPOINTS)
                    .forEach(shown::add);
        }
        List<EndpointRow> rows = shown.stream().sorted(table).map(tally -> new EndpointRow(tally.method, tally.endpoint,
                tally.requests, tally.classes[2], tally.classes[3], tally.classes[4], tally.classes[5],
                tally.timeSum / tally.requests)).toList();
        Map<String, long[]> versions = new HashMap<>();
        for (EndpointTally tally : all) {
            Matcher version = tally.endpoint == null ? null : VERSION.matcher(tally.endpoint);
            if (version != null && version.find()) {
                versions.computeIfAbsent(version.group(1), v -> new long[1])[0] += tally.requests;
            }
        }
        return new Panels.Endpoints(rows, Panels.top(counts(versions), Panels.TOP));
    }

    List<Count> statuses() {
        return counts(statuses);
    }

    List<Count> countries() {
        return counts(countries);
    }

    List<Count> clients() {
        return counts(clients);
    }

    List<Count> oses() {
        return counts(oses);
    }

    List<Count> devices() {
        return counts(devices);
    }

    /** Requests per known referrer. */
    List<Count> referrers() {
        return counts(referrers);
    }

    private static List<Count> counts(Map<String, long[]> counts) {
        List<Count> list = new ArrayList<>(counts.size());
        counts.forEach((key, count) -> list.add(new Count(key, count[0])));
        return list;
    }

    /** Requests per local hour of day, 0 to 23. */
    long[] hours() {
        return hours.clone();
    }

    /** Requests per weekday, Monday first. */
    long[] weekdays() {
        return weekdays.clone();
    }

    /** The busiest {@code limit} users, ties by user. */
    List<UserRow> users(int limit) {
        Comparator<Map.Entry<String, UserTally>> busiestFirst = Comparator
                .comparingLong((Map.Entry<String, UserTally> e) -> e.getValue().requests).reversed()
                .thenComparing(Map.Entry::getKey, Panels.CODE_POINT_ORDER);
        // the least busy of the kept users on top, replaced by a busier one: no sort of every user
        PriorityQueue<Map.Entry<String, UserTally>> kept = new PriorityQueue<>(limit + 1, busiestFirst.reversed());
        for (Map.Entry<String, UserTally> user : users.entrySet()) {
            kept.add(user);
            if (kept.size() > limit) {
                kept.poll();
            }
        }
        return kept.stream().sorted(busiestFirst)
                .map(e -> new UserRow(e.getKey(), e.getValue().requests, (double) e.getValue().successes / e.getValue().requests,
                        e.getValue().last.toString()))
                .toList();
    }
}
