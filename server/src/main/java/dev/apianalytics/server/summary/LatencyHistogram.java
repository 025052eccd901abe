package dev.apianalytics.server.summary;

import java.io.ByteArrayOutputStream;

/**
 * Counts of response times (milliseconds) in fine buckets, mergeable across hours, from which the
 * dashboard's coarse histogram panel is read exactly and percentiles are estimated.
 *
 * <p>Bucket layout ({@link #BUCKETS} buckets):
 * <ul>
 *   <li>each panel interval [{@code PANEL_EDGES[i]}, {@code PANEL_EDGES[i+1]}), i = 0..15, holds
 *       {@value #SUB_BUCKETS} fine buckets: linear in [0, 0.1), geometric in the others. A value's
 *       panel is decided first, with the same comparisons as the dashboard's SQL, so rounding in
 *       the logarithms can only move it between fine buckets of the same panel;
 *   <li>from 10,000 ms on, {@value #TAIL_BUCKETS} geometric buckets of ratio 2<sup>1/20</sup> up to
 *       10,000 &times; 2<sup>10</sup> = 10,240,000 ms; larger values go to the last bucket.
 * </ul>
 * Negative values and NaN are counted in bucket 0, +&infin; in the last one. (SQL would put NaN
 * in panel 16, as NaN sorts above every number there, but ingestion never stores NaN.)
 *
 * <p>The layout is part of the persisted {@link #toBytes()} format and must never change.
 * Not thread-safe.
 */
public final class LatencyHistogram {

    /** The dashboard panel's edges; panel bucket 16 is [10000, &infin;). */
    public static final double[] PANEL_EDGES = {0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000,
        5000, 10000};
    public static final int PANEL_BUCKETS = PANEL_EDGES.length;

    static final int SUB_BUCKETS = 20;
    static final int TAIL_BUCKETS = 200;
    private static final int FINITE_PANELS = PANEL_EDGES.length - 1;
    private static final int TAIL_START = FINITE_PANELS * SUB_BUCKETS;
    private static final double TAIL_LOW = PANEL_EDGES[FINITE_PANELS];
    /** Upper bound of the tail's last bucket as far as percentile interpolation is concerned. */
    private static final double TAIL_HIGH = TAIL_LOW * 1024;

    public static final int BUCKETS = TAIL_START + TAIL_BUCKETS;

    /** LOWER[b] is bucket b's lower bound; LOWER[BUCKETS] is +&infin;. */
    private static final double[] LOWER = lowerBounds();

    private static final byte FORMAT_TAG = 1;

    private final long[] counts = new long[BUCKETS];
    private long count;

    public LatencyHistogram() {}

    private static double[] lowerBounds() {
        double[] lower = new double[BUCKETS + 1];
        for (int panel = 0; panel < FINITE_PANELS; panel++) {
            double lo = PANEL_EDGES[panel];
            double hi = PANEL_EDGES[panel + 1];
            for (int sub = 0; sub < SUB_BUCKETS; sub++) {
                double fraction = (double) sub / SUB_BUCKETS;
                // sub 0 is the edge itself, exactly
                lower[panel * SUB_BUCKETS + sub] = panel == 0 ? hi * fraction : lo * Math.pow(hi / lo, fraction);
            }
        }
        for (int sub = 0; sub < TAIL_BUCKETS; sub++) {
            lower[TAIL_START + sub] = TAIL_LOW * Math.pow(2, (double) sub / SUB_BUCKETS);
        }
        lower[BUCKETS] = Double.POSITIVE_INFINITY;
        return lower;
    }

    /** The fine bucket of a response time. */
    public static int bucketOf(double millis) {
        // "response_time < 0.1 THEN 0 ... < 10000 THEN 15 ELSE 16": NaN fails every "<", so guard it first
        if (Double.isNaN(millis) || millis < PANEL_EDGES[1]) {
            return millis > 0 ? withinRange(0, SUB_BUCKETS, millis / PANEL_EDGES[1] * SUB_BUCKETS, millis) : 0;
        }
        for (int panel = 1; panel < FINITE_PANELS; panel++) {
            double hi = PANEL_EDGES[panel + 1];
            if (millis < hi) {
                double lo = PANEL_EDGES[panel];
                double sub = SUB_BUCKETS * Math.log(millis / lo) / Math.log(hi / lo);
                return withinRange(panel * SUB_BUCKETS, SUB_BUCKETS, sub, millis);
            }
        }
        double sub = SUB_BUCKETS * Math.log(millis / TAIL_LOW) / Math.log(2);
        return withinRange(TAIL_START, TAIL_BUCKETS, sub, millis);
    }

    /**
     * Fine bucket {@code floor(sub)} of the {@code size} buckets from {@code first}, kept inside
     * them (so a value never leaves the panel the comparisons chose) and nudged so that the value
     * lies within the bucket's bounds even when the logarithm rounded the other way.
     */
    private static int withinRange(int first, int size, double sub, double millis) {
        int last = first + size - 1;
        int bucket = first + (int) Math.max(0, Math.min(size - 1, Math.floor(sub)));
        while (bucket > first && millis < LOWER[bucket]) {
            bucket--;
        }
        while (bucket < last && millis >= LOWER[bucket + 1]) {
            bucket++;
        }
        return bucket;
    }

    /** The dashboard panel bucket (0..16) that a fine bucket belongs to. */
    public static int panelBucketOf(int bucket) {
        checkBucket(bucket);
        return bucket < TAIL_START ? bucket / SUB_BUCKETS : FINITE_PANELS;
    }

    /** The smallest value in a fine bucket (apart from negatives and NaN, which bucket 0 also holds). */
    public static double lowerBound(int bucket) {
        checkBucket(bucket);
        return LOWER[bucket];
    }

    /** The (exclusive) upper bound of a fine bucket; +&infin; for the last one. */
    public static double upperBound(int bucket) {
        checkBucket(bucket);
        return LOWER[bucket + 1];
    }

    private static void checkBucket(int bucket) {
        if (bucket < 0 || bucket >= BUCKETS) {
            throw new IllegalArgumentException("bucket " + bucket + " outside 0.." + (BUCKETS - 1));
        }
    }

    public void add(double millis) {
        add(bucketOf(millis), 1);
    }

    /** Adds {@code count} values to a fine bucket. */
    public void add(int bucket, long count) {
        checkBucket(bucket);
        if (count < 0) {
            throw new IllegalArgumentException("negative count " + count);
        }
        counts[bucket] = Math.addExact(counts[bucket], count);
        this.count = Math.addExact(this.count, count);
    }

    /** Adds everything counted by {@code other} to this histogram; {@code other} is unchanged. */
    public void merge(LatencyHistogram other) {
        long[] added = other.counts.clone();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            if (added[bucket] != 0) {
                add(bucket, added[bucket]);
            }
        }
    }

    /** How many values were added. */
    public long count() {
        return count;
    }

    /** Counts per dashboard panel bucket, exactly as the panel's SQL would count them. */
    public long[] panelCounts() {
        long[] panels = new long[PANEL_BUCKETS];
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            panels[panelBucketOf(bucket)] += counts[bucket];
        }
        return panels;
    }

    /**
     * An estimate of the value at rank {@code fraction * (count - 1)}, interpolated between the two
     * nearest ranks as PostgreSQL's percentile_cont and DuckDB's quantile_cont do; null when empty.
     *
     * <p>The k-th of the n values of a bucket is placed at fraction (k + 0.5) / n through the bucket,
     * geometrically in geometric buckets and linearly in [0, 0.1). Each placed value is thus within
     * its bucket's width of the true one, and so is their interpolation: below 0.1 ms the error is at
     * most 0.005 ms; above it is at most 2.5<sup>1/20</sup> &minus; 1 &asymp; 4.7% relative in the
     * panel intervals that span a factor of 2.5 (e.g. [2, 5)) and 2<sup>1/20</sup> &minus; 1
     * &asymp; 3.5% in those that span a factor of 2 and above 10,000 ms; typically far less. Values
     * above 10,240,000 ms are reported as at most that; negatives and NaN as within [0, 0.005).
     */
    public Double percentile(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction " + fraction + " outside [0, 1]");
        }
        if (count == 0) {
            return null;
        }
        double rank = fraction * (count - 1);
        long below = (long) Math.floor(rank);
        long above = Math.min(below + 1, count - 1);
        double belowValue = valueAtRank(below);
        double weight = rank - below;
        return weight == 0 ? belowValue : belowValue + weight * (valueAtRank(above) - belowValue);
    }

    /** The estimated value of the {@code rank}-th smallest value (0-based). */
    private double valueAtRank(long rank) {
        long before = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            long inBucket = counts[bucket];
            if (rank < before + inBucket) {
                double position = (rank - before + 0.5) / inBucket;
                double lo = LOWER[bucket];
                double hi = bucket == BUCKETS - 1 ? TAIL_HIGH : LOWER[bucket + 1];
                return bucket < SUB_BUCKETS ? lo + position * (hi - lo) : lo * Math.pow(hi / lo, position);
            }
            before += inBucket;
        }
        throw new IllegalStateException("rank " + rank + " beyond count " + count);
    }

    /**
     * Format tag {@value #FORMAT_TAG}, then for each non-empty bucket in ascending order the distance
     * from the previous non-empty bucket (from -1 for the first) and its count, both as unsigned
     * LEB128 varints. An empty histogram is the tag alone.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(FORMAT_TAG);
        int previous = -1;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            if (counts[bucket] != 0) {
                writeVarint(out, bucket - previous);
                writeVarint(out, counts[bucket]);
                previous = bucket;
            }
        }
        return out.toByteArray();
    }

    /**
     * Reads what {@link #toBytes()} wrote; null or empty is an empty histogram.
     *
     * @throws IllegalArgumentException if {@code bytes} is not a histogram
     */
    public static LatencyHistogram fromBytes(byte[] bytes) {
        LatencyHistogram histogram = new LatencyHistogram();
        if (bytes == null || bytes.length == 0) {
            return histogram;
        }
        if (bytes[0] != FORMAT_TAG) {
            throw new IllegalArgumentException("not a latency histogram: unknown format tag " + bytes[0]);
        }
        int[] position = {1};
        long bucket = -1;
        while (position[0] < bytes.length) {
            long distance = readVarint(bytes, position);
            if (distance < 1 || distance >= BUCKETS - bucket) {
                throw new IllegalArgumentException("corrupt latency histogram: bucket distance " + distance
                        + " after bucket " + bucket);
            }
            bucket += distance;
            if (position[0] == bytes.length) {
                throw new IllegalArgumentException("corrupt latency histogram: bucket " + bucket + " has no count");
            }
            long bucketCount = readVarint(bytes, position);
            if (bucketCount <= 0) {
                throw new IllegalArgumentException("corrupt latency histogram: count " + Long.toUnsignedString(
                        bucketCount) + " in bucket " + bucket);
            }
            try {
                histogram.add((int) bucket, bucketCount);
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException("corrupt latency histogram: total count overflows", overflow);
            }
        }
        return histogram;
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarint(byte[] bytes, int[] position) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position[0] == bytes.length) {
                throw new IllegalArgumentException("corrupt latency histogram: truncated varint");
            }
            int b = bytes[position[0]++] & 0xFF;
            if (shift == 63 && b > 1) {
                throw new IllegalArgumentException("corrupt latency histogram: varint longer than 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("corrupt latency histogram: varint longer than 64 bits");
    }
}
