package dev.apianalytics.server.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LatencyHistogramTest {

    /**
     * The dashboard panel's rule, written out as its SQL is: CASE WHEN response_time < 0.1 THEN 0
     * WHEN response_time < 0.2 THEN 1 ... WHEN response_time < 10000 THEN 15 ELSE 16 END.
     */
    private static int panelByCaseRule(double v) {
        if (Double.isNaN(v)) {
            return 0; // where LatencyHistogram puts it; ingestion never stores NaN, so SQL never sees one
        }
        if (v < 0.1) return 0;
        if (v < 0.2) return 1;
        if (v < 0.5) return 2;
        if (v < 1) return 3;
        if (v < 2) return 4;
        if (v < 5) return 5;
        if (v < 10) return 6;
        if (v < 20) return 7;
        if (v < 50) return 8;
        if (v < 100) return 9;
        if (v < 200) return 10;
        if (v < 500) return 11;
        if (v < 1000) return 12;
        if (v < 2000) return 13;
        if (v < 5000) return 14;
        if (v < 10000) return 15;
        return 16;
    }

    private static double[] logNormal(long seed, int n, double mu, double sigma) {
        var random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = Math.exp(mu + sigma * random.nextGaussian());
        }
        return values;
    }

    /** percentile_cont: linear interpolation between the values at the ranks around fraction * (n - 1). */
    private static double exactPercentile(double[] sorted, double fraction) {
        double rank = fraction * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    private static LatencyHistogram histogramOf(double... values) {
        var histogram = new LatencyHistogram();
        for (double value : values) {
            histogram.add(value);
        }
        return histogram;
    }

    private static long[] panelCountsByCaseRule(double... values) {
        long[] expected = new long[17];
        for (double value : values) {
            expected[panelByCaseRule(value)]++;
        }
        return expected;
    }

    @Test
    void layout() {
        assertThat(LatencyHistogram.PANEL_EDGES).containsExactly(0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500,
                1000, 2000, 5000, 10000);
        assertThat(LatencyHistogram.BUCKETS).isEqualTo(16 * 20 + 200);
        for (int bucket = 0; bucket < LatencyHistogram.BUCKETS - 1; bucket++) {
            assertThat(LatencyHistogram.upperBound(bucket)).isEqualTo(LatencyHistogram.lowerBound(bucket + 1))
                    .isGreaterThan(LatencyHistogram.lowerBound(bucket));
        }
        for (int panel = 0; panel < 17; panel++) {
            int first = panel * 20;
            assertThat(LatencyHistogram.lowerBound(first)).isEqualTo(LatencyHistogram.PANEL_EDGES[panel]);
            assertThat(LatencyHistogram.panelBucketOf(first)).isEqualTo(panel);
        }
        assertThat(LatencyHistogram.panelBucketOf(LatencyHistogram.BUCKETS - 1)).isEqualTo(16);
        assertThat(LatencyHistogram.lowerBound(LatencyHistogram.BUCKETS - 1)).isCloseTo(10_240_000 / Math.pow(2, 0.05),
                org.assertj.core.data.Offset.offset(1e-3));
        assertThat(LatencyHistogram.upperBound(LatencyHistogram.BUCKETS - 1)).isInfinite();
        assertThatThrownBy(() -> LatencyHistogram.lowerBound(LatencyHistogram.BUCKETS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyHistogram.panelBucketOf(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void panelCountsMatchTheCaseRuleForLogNormalData() {
        for (long seed = 1; seed <= 3; seed++) {
            double[] values = logNormal(seed, 200_000, 2.5, 2.5);
            assertThat(histogramOf(values).panelCounts()).containsExactly(panelCountsByCaseRule(values));
        }
    }

    @Test
    void panelCountsMatchTheCaseRuleOnAndNextToEveryEdge() {
        List<Double> values = new ArrayList<>();
        for (double edge : LatencyHistogram.PANEL_EDGES) {
            values.add(edge);
            values.add(Math.nextDown(edge));
            values.add(Math.nextUp(edge));
        }
        values.addAll(List.of(0.1, 0.2, 1000.0, 10000.0, Math.nextDown(0.1), Math.nextDown(0.2),
                Math.nextDown(1000.0), Math.nextDown(10000.0), -5.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE, 10_240_000.0, 1e12));
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        assertThat(histogramOf(array).panelCounts()).containsExactly(panelCountsByCaseRule(array));
        for (double value : array) {
            assertThat(LatencyHistogram.panelBucketOf(LatencyHistogram.bucketOf(value))).as("%s", value)
                    .isEqualTo(panelByCaseRule(value));
        }
        assertThat(LatencyHistogram.bucketOf(Double.NaN)).isZero();
        assertThat(LatencyHistogram.bucketOf(-1)).isZero();
        assertThat(LatencyHistogram.bucketOf(Double.POSITIVE_INFINITY)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Property(tries = 5_000)
    void anyValueLandsInItsCaseRulePanelAndWithinItsBucket(@ForAll double value) {
        int bucket = LatencyHistogram.bucketOf(value);
        assertThat(LatencyHistogram.panelBucketOf(bucket)).isEqualTo(panelByCaseRule(value));
        if (value >= 0) {
            assertThat(value).isGreaterThanOrEqualTo(LatencyHistogram.lowerBound(bucket))
                    .isLessThan(LatencyHistogram.upperBound(bucket));
        }
    }

    @Test
    void everyValueLiesWithinItsBucket() {
        var random = new Random(3);
        for (int i = 0; i < 1_000_000; i++) {
            double value = Math.exp(random.nextDouble() * 20 - 6);
            int bucket = LatencyHistogram.bucketOf(value);
            assertThat(value >= LatencyHistogram.lowerBound(bucket) && value < LatencyHistogram.upperBound(bucket))
                    .as("%s in bucket %d", value, bucket).isTrue();
        }
        for (int bucket = 0; bucket < LatencyHistogram.BUCKETS; bucket++) {
            double lower = LatencyHistogram.lowerBound(bucket);
            assertThat(LatencyHistogram.bucketOf(lower)).as("lower bound of %d", bucket).isEqualTo(bucket);
            if (bucket > 0) {
                assertThat(LatencyHistogram.bucketOf(Math.nextDown(lower))).isEqualTo(bucket - 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void percentilesOfLogNormalDataAreWithin3Point6Percent(long seed) {
        double[] values = logNormal(seed, 100_000, 2.5, 1);
        var histogram = histogramOf(values);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        List<String> errors = new ArrayList<>();
        double worst = 0;
        for (double fraction : new double[] {0.5, 0.75, 0.9, 0.95, 0.99}) {
            double exact = exactPercentile(sorted, fraction);
            double error = histogram.percentile(fraction) / exact - 1;
            errors.add(String.format("p%.0f %+.3f%%", 100 * fraction, 100 * error));
            worst = Math.max(worst, Math.abs(error));
        }
        assertThat(worst).as("relative errors: %s", errors).isLessThan(0.036);
    }

    @Test
    void percentilesStayWithinTheBucketWidthEvenForSparseData() {
        var random = new Random(8);
        for (int trial = 0; trial < 2_000; trial++) {
            double[] values = Arrays.stream(logNormal(trial, 1 + random.nextInt(40), 2, 3))
                    .map(v -> Math.min(v, 10_000_000)).toArray();
            var histogram = histogramOf(values);
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            double fraction = random.nextDouble();
            double exact = exactPercentile(sorted, fraction);
            double estimate = histogram.percentile(fraction);
            // 2.5^(1/20) is the widest bucket ratio; below 0.1 ms buckets are 0.005 ms wide
            assertThat(Math.abs(estimate - exact)).as("p%s of %s", fraction, Arrays.toString(sorted))
                    .isLessThanOrEqualTo(exact * (Math.pow(2.5, 0.05) - 1) + 0.005);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.03, 0.1, 0.37, 1, 7.5, 999.9, 10000, 123456, 5e7})
    void aSingleValueGivesEveryPercentileWithinItsBucket(double value) {
        var histogram = histogramOf(value);
        int bucket = LatencyHistogram.bucketOf(value);
        double upper = Math.min(LatencyHistogram.upperBound(bucket), 10_240_000);
        for (double fraction : new double[] {0, 0.01, 0.5, 0.9, 0.99, 1}) {
            assertThat(histogram.percentile(fraction)).isBetween(LatencyHistogram.lowerBound(bucket), upper);
        }
    }

    @Test
    void percentileEdgeCases() {
        assertThat(new LatencyHistogram().percentile(0.5)).isNull();
        var histogram = histogramOf(1, 2, 3);
        assertThat(histogram.percentile(0)).isLessThan(histogram.percentile(0.5));
        assertThat(histogram.percentile(0.5)).isLessThan(histogram.percentile(1));
        for (double fraction : new double[] {-0.1, 1.1, Double.NaN}) {
            assertThatThrownBy(() -> histogram.percentile(fraction)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void mergeEqualsAddingAllValuesToOneHistogram() {
        var all = new LatencyHistogram();
        var merged = new LatencyHistogram();
        for (int hour = 0; hour < 24; hour++) {
            double[] values = logNormal(hour, 1_000 * hour, 2 + hour * 0.1, 1.5);
            var part = histogramOf(values);
            for (double value : values) {
                all.add(value);
            }
            merged.merge(part);
        }
        assertThat(merged.count()).isEqualTo(all.count());
        assertThat(merged.panelCounts()).containsExactly(all.panelCounts());
        assertThat(merged.toBytes()).isEqualTo(all.toBytes());
        for (double fraction : new double[] {0.1, 0.5, 0.99}) {
            assertThat(merged.percentile(fraction)).isEqualTo(all.percentile(fraction));
        }
        var doubled = LatencyHistogram.fromBytes(all.toBytes());
        doubled.merge(doubled);
        assertThat(doubled.count()).isEqualTo(2 * all.count());
    }

    @Test
    void addingToABucket() {
        var histogram = new LatencyHistogram();
        histogram.add(LatencyHistogram.bucketOf(42), 1_000_000_000_000L);
        histogram.add(0, 0);
        assertThat(histogram.count()).isEqualTo(1_000_000_000_000L);
        assertThat(histogram.panelCounts()[8]).isEqualTo(1_000_000_000_000L);
        assertThatThrownBy(() -> histogram.add(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> histogram.add(LatencyHistogram.BUCKETS, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesRoundTrip() {
        var empty = new LatencyHistogram();
        assertThat(empty.toBytes()).hasSize(1);
        assertThat(LatencyHistogram.fromBytes(empty.toBytes()).count()).isZero();
        assertThat(LatencyHistogram.fromBytes(null).count()).isZero();
        assertThat(LatencyHistogram.fromBytes(new byte[0]).percentile(0.5)).isNull();

        var histogram = histogramOf(logNormal(4, 50_000, 2.5, 2));
        histogram.add(0, 3);
        histogram.add(LatencyHistogram.BUCKETS - 1, Long.MAX_VALUE / 2);
        var restored = LatencyHistogram.fromBytes(histogram.toBytes());
        assertThat(restored.count()).isEqualTo(histogram.count());
        assertThat(restored.panelCounts()).containsExactly(histogram.panelCounts());
        assertThat(restored.toBytes()).isEqualTo(histogram.toBytes());
        for (int bucket = 0; bucket < LatencyHistogram.BUCKETS; bucket++) {
            restored.add(bucket, 1);
            histogram.add(bucket, 1);
        }
        assertThat(restored.toBytes()).isEqualTo(histogram.toBytes());
    }

    @Test
    void bytesAreCompact() {
        // a typical hour: a few dozen occupied buckets, a couple of bytes each
        var histogram = histogramOf(logNormal(1, 1_000, 3, 0.5));
        assertThat(histogram.toBytes().length).isLessThan(200);
    }

    @Test
    void corruptBytesAreRejectedClearly() {
        byte[] valid = histogramOf(1, 2, 3, 500).toBytes();
        List<byte[]> corrupt = List.of(
                new byte[] {0}, new byte[] {2, 1, 1}, new byte[] {-1},
                Arrays.copyOf(valid, valid.length - 1),
                new byte[] {1, 1}, // a bucket without its count
                new byte[] {1, (byte) 0x81}, // truncated varint
                new byte[] {1, 0, 1}, // distance 0
                new byte[] {1, 1, 0}, // empty bucket
                new byte[] {1, (byte) 0x89, 4, 1}, // bucket 520
                new byte[] {1, 1, 1, 0, 1}, // the same bucket twice
                new byte[] {1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}, // count 2^64 - 1
                new byte[] {1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}, // varint over 64 bits
                new byte[] {1, 1, -1, -1, -1, -1, -1, -1, -1, -1, 127, 1, -1, -1, -1, -1, -1, -1, -1, -1, 127}); // total > 2^63
        for (byte[] bytes : corrupt) {
            assertThatThrownBy(() -> LatencyHistogram.fromBytes(bytes)).as("%s", Arrays.toString(bytes))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("histogram");
        }
    }

    @Property(tries = 5_000)
    void arbitraryBytesAreAHistogramOrAnIllegalArgument(@ForAll byte[] bytes) {
        if (bytes.length > 0) {
            bytes[0] = 1;
        }
        try {
            LatencyHistogram.fromBytes(bytes).percentile(0.5);
        } catch (IllegalArgumentException expected) {
            // the only failure allowed
        }
    }
}
