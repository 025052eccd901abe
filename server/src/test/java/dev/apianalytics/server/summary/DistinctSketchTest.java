package dev.apianalytics.server.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistinctSketchTest {

    private static final long[] SEEDS = {1, 2, 3, 4, 5};

    /** The n-th IPv4 address from a seed-dependent start: distinct for n < 2^32, and very regular. */
    private static String ip(long seed, long n) {
        int address = (int) (seed * 0x9E3779B9L + n);
        return (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255);
    }

    private static String userId(long seed, long n) {
        return "user-" + seed + "-" + n;
    }

    private static DistinctSketch copy(DistinctSketch sketch) {
        return DistinctSketch.fromBytes(sketch.toBytes());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 127, 128})
    void isExactUpTo128DistinctValues(int distinct) {
        var sketch = new DistinctSketch();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < distinct; i++) {
                sketch.add(userId(7, i));
            }
            sketch.add(null);
        }
        assertThat(sketch.estimate()).isEqualTo(distinct);
        assertThat(copy(sketch).estimate()).isEqualTo(distinct);
    }

    @Test
    void emptySketchIsOneByte() {
        assertThat(new DistinctSketch().toBytes()).hasSize(1);
        assertThat(DistinctSketch.fromBytes(null).estimate()).isZero();
        assertThat(DistinctSketch.fromBytes(new byte[0]).estimate()).isZero();
    }

    @Test
    void mergeOfSmallSketchesStaysExactWhileTheUnionFits() {
        var a = new DistinctSketch();
        var b = new DistinctSketch();
        for (int i = 0; i < 100; i++) {
            a.add(ip(1, i));
        }
        for (int i = 28; i < 128; i++) {
            b.add(ip(1, i));
        }
        a.merge(b);
        assertThat(a.estimate()).isEqualTo(128);
        assertThat(a.toBytes()[0]).isEqualTo(DistinctSketch.EXACT_TAG);

        a.add(ip(1, 128));
        assertThat(a.toBytes()[0]).isEqualTo(DistinctSketch.DENSE_TAG);
        assertThat(a.estimate()).isCloseTo(129, withinPercentage(6));
    }

    @Test
    void mergeOfExactSketchesOverflowingTheLimitBecomesDense() {
        var a = new DistinctSketch();
        var b = new DistinctSketch();
        for (int i = 0; i < 120; i++) {
            a.add(userId(2, i));
            b.add(userId(3, i));
        }
        a.merge(b);
        assertThat(a.toBytes()[0]).isEqualTo(DistinctSketch.DENSE_TAG);
        assertThat(a.estimate()).isCloseTo(240, withinPercentage(6));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 1_000, 10_000, 100_000, 1_000_000})
    void estimatesWithin6PercentForSeveralSeeds(int distinct) {
        List<String> errors = new ArrayList<>();
        double worst = 0;
        for (long seed : SEEDS) {
            var byIp = new DistinctSketch();
            var byUser = new DistinctSketch();
            for (int i = 0; i < distinct; i++) {
                byIp.add(ip(seed, i));
                byUser.add(userId(seed, i));
            }
            for (var sketch : List.of(byIp, byUser)) {
                double error = (double) (sketch.estimate() - distinct) / distinct;
                errors.add(String.format("%+.2f%%", 100 * error));
                worst = Math.max(worst, Math.abs(error));
            }
        }
        assertThat(worst).as("relative errors for %d distinct: %s", distinct, errors).isLessThan(0.06);
    }

    @Test
    void mergeOfOverlappingSetsEstimatesTheUnion() {
        var a = new DistinctSketch();
        var b = new DistinctSketch();
        for (int i = 0; i < 60_000; i++) {
            a.add(userId(9, i));
        }
        for (int i = 40_000; i < 100_000; i++) {
            b.add(userId(9, i));
        }
        var ab = copy(a);
        ab.merge(b);
        var ba = copy(b);
        ba.merge(a);
        assertThat(ab.estimate()).isCloseTo(100_000, withinPercentage(6));
        assertThat(ab.estimate()).isEqualTo(ba.estimate());
        assertThat(ab.toBytes()).isEqualTo(ba.toBytes());
    }

    @Test
    void mergeIsOrderIndependentAcrossForms() {
        var exact = new DistinctSketch();
        var dense = new DistinctSketch();
        for (int i = 0; i < 50; i++) {
            exact.add(ip(4, i));
        }
        for (int i = 25; i < 5_000; i++) {
            dense.add(ip(4, i));
        }
        var exactThenDense = copy(exact);
        exactThenDense.merge(dense);
        var denseThenExact = copy(dense);
        denseThenExact.merge(exact);
        assertThat(exactThenDense.toBytes()).isEqualTo(denseThenExact.toBytes());
        assertThat(exactThenDense.estimate()).isEqualTo(denseThenExact.estimate())
                .isCloseTo(5_000, withinPercentage(6));
        assertThat(exact.estimate()).as("the merged-in sketch is unchanged").isEqualTo(50);
    }

    @Test
    void mergeEqualsAddingEverythingToOneSketch() {
        var all = new DistinctSketch();
        var merged = new DistinctSketch();
        for (int hour = 0; hour < 24; hour++) {
            var part = new DistinctSketch();
            for (int i = 0; i < 30 * hour; i++) {
                part.add(userId(hour % 5, i));
                all.add(userId(hour % 5, i));
            }
            merged.merge(part);
        }
        assertThat(merged.toBytes()).isEqualTo(all.toBytes());
    }

    @Test
    void bytesRoundTripKeepsEstimateAndMergeBehaviour() {
        for (int distinct : new int[] {0, 5, 128, 129, 20_000}) {
            var sketch = new DistinctSketch();
            var other = new DistinctSketch();
            for (int i = 0; i < distinct; i++) {
                sketch.add(ip(6, i));
                other.add(ip(6, i + distinct / 2));
            }
            var restored = copy(sketch);
            assertThat(restored.estimate()).isEqualTo(sketch.estimate());
            assertThat(restored.toBytes()).isEqualTo(sketch.toBytes());

            restored.merge(other);
            sketch.merge(other);
            assertThat(restored.toBytes()).isEqualTo(sketch.toBytes());
            restored.add("one more");
            sketch.add("one more");
            assertThat(restored.estimate()).isEqualTo(sketch.estimate());
        }
    }

    @Test
    void mergingBytesEqualsMergingTheSketchTheyHold() {
        int[] sizes = {0, 5, 128, 129, 20_000};
        for (int into : sizes) {
            for (int from : sizes) {
                var target = new DistinctSketch();
                var other = new DistinctSketch();
                for (int i = 0; i < into; i++) {
                    target.add(ip(7, i));
                }
                for (int i = 0; i < from; i++) {
                    other.add(ip(7, i + into / 2));
                }
                var viaSketch = copy(target);
                viaSketch.merge(other);
                target.mergeBytes(other.toBytes());
                assertThat(target.toBytes()).as("%d into %d", from, into).isEqualTo(viaSketch.toBytes());
            }
        }
        var empty = new DistinctSketch();
        empty.mergeBytes(null);
        empty.mergeBytes(new byte[0]);
        assertThat(empty.estimate()).isZero();
    }

    @Test
    void corruptBytesMergedIntoADenseSketchAreRejectedAndLeaveItAsItWas() {
        var dense = new DistinctSketch();
        for (int i = 0; i < 1_000; i++) {
            dense.add(userId(2, i));
        }
        var other = wide(3);
        byte[] before = dense.toBytes();
        byte[] badRegister = other.toBytes();
        badRegister[badRegister.length - 1] = 55;
        for (byte[] bytes : List.of(badRegister, Arrays.copyOf(other.toBytes(), 100), Arrays.copyOf(dense.toPackedBytes(), 1_000),
                new byte[] {9, 1})) {
            assertThatThrownBy(() -> dense.mergeBytes(bytes)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sketch");
            assertThat(dense.toBytes()).isEqualTo(before);
        }
    }

    @Test
    void joinedSketchesSplitIntoTheirOwnBytesInOrder() {
        var exact = new DistinctSketch();
        exact.add("a");
        var dense = new DistinctSketch();
        for (int i = 0; i < 1_000; i++) {
            dense.add(userId(4, i));
        }
        byte[] joined = DistinctSketch.joinBytes(exact, null, dense, new DistinctSketch());

        List<byte[]> parts = DistinctSketch.splitBytes(joined);
        assertThat(parts).hasSize(4);
        assertThat(parts.get(0)).isEqualTo(exact.toBytes());
        assertThat(parts.get(1)).isEqualTo(new DistinctSketch().toBytes());
        assertThat(parts.get(2)).isEqualTo(dense.toPackedBytes());
        assertThat(parts.get(3)).isEqualTo(new DistinctSketch().toBytes());
        assertThat(joined).hasSize(4 * 2 + 10 + 1 + 1025 + 1);
    }

    @Property(tries = 2_000)
    void arbitraryBytesSplitOrAreAnIllegalArgument(@ForAll byte[] bytes) {
        try {
            DistinctSketch.splitBytes(bytes).forEach(part -> DistinctSketch.fromBytes(part).estimate());
        } catch (IllegalArgumentException expected) {
            // the only failure allowed
        }
    }

    /**
     * The packed form holds a dense sketch two registers a byte, the even-numbered one in the high
     * half, while none passes 15, and is the plain dense form once one does; either reads back, and
     * merges, as the sketch it was. {@link DistinctSketch#toBytes()} keeps the plain form, which
     * collectors before the packed one read.
     */
    @Test
    void denseSketchesArePackedWhileEveryRegisterFitsHalfAByte() {
        var packed = new DistinctSketch();
        for (int i = 0; i < 1_000; i++) {
            packed.add(userId(5, i));
        }
        byte[] packedBytes = packed.toPackedBytes();
        byte[] plain = packed.toBytes();
        assertThat(packedBytes).hasSize(1 + 1024);
        assertThat(packedBytes[0]).isEqualTo(DistinctSketch.PACKED_TAG);
        assertThat(plain[0]).isEqualTo(DistinctSketch.DENSE_TAG);
        // the layout is persisted: pinned against the registers of the plain form
        for (int i = 0; i < 2048; i += 2) {
            assertThat(packedBytes[1 + i / 2]).as("registers %d and %d", i, i + 1).isEqualTo((byte) (plain[1 + i] << 4 | plain[2 + i]));
        }

        var wide = wide(6);
        assertThat(wide.toPackedBytes()).isEqualTo(wide.toBytes()).hasSize(1 + 2048);

        for (var sketch : List.of(packed, wide)) {
            assertThat(DistinctSketch.fromBytes(sketch.toPackedBytes()).toBytes()).isEqualTo(sketch.toBytes());
            assertThat(DistinctSketch.fromBytes(sketch.toPackedBytes()).estimate()).isEqualTo(sketch.estimate());
        }
        var viaSketch = copy(wide);
        viaSketch.merge(packed);
        var viaBytes = copy(wide);
        viaBytes.mergeBytes(packedBytes);
        assertThat(viaBytes.toBytes()).isEqualTo(viaSketch.toBytes());
        var exact = new DistinctSketch();
        exact.add("a");
        exact.mergeBytes(packedBytes);
        packed.add("a");
        assertThat(exact.toBytes()).isEqualTo(packed.toBytes());
    }

    /** A dense sketch of 1,000 values and one of rank 16 or more (one value in 2^15 has one): stored a register a byte. */
    private static DistinctSketch wide(long seed) {
        var wide = new DistinctSketch();
        for (int i = 0; i < 1_000; i++) {
            wide.add(userId(seed, i));
        }
        int rare = 0;
        while (Long.numberOfLeadingZeros(DistinctSketch.hash("rare-" + rare) << DistinctSketch.PRECISION) < 15) {
            rare++;
        }
        wide.add("rare-" + rare);
        return wide;
    }

    @Test
    void exactFormIsCompact() {
        var sketch = new DistinctSketch();
        for (int i = 0; i < 10; i++) {
            sketch.add(ip(1, i));
        }
        assertThat(sketch.toBytes()).hasSize(2 + 8 * 10);
    }

    @Test
    void corruptBytesAreRejectedClearly() {
        var exact = new DistinctSketch();
        exact.add("a");
        exact.add("b");
        byte[] exactBytes = exact.toBytes();
        byte[] denseBytes = wide(1).toBytes();
        var packed = new DistinctSketch();
        for (int i = 0; i < 1_000; i++) {
            packed.add(userId(1, i));
        }
        byte[] packedBytes = packed.toPackedBytes();

        byte[] unsorted = exactBytes.clone();
        System.arraycopy(exactBytes, 2, unsorted, 10, 8);
        System.arraycopy(exactBytes, 10, unsorted, 2, 8);
        byte[] duplicated = exactBytes.clone();
        System.arraycopy(exactBytes, 2, duplicated, 10, 8);
        byte[] tooMany = new byte[2 + 8 * 129];
        tooMany[0] = DistinctSketch.EXACT_TAG;
        tooMany[1] = (byte) 129;
        byte[] badRegister = denseBytes.clone();
        badRegister[100] = 55;
        byte[] negativeRegister = denseBytes.clone();
        negativeRegister[100] = -1;

        List<byte[]> corrupt = List.of(
                new byte[] {0}, new byte[] {3, 1, 2}, new byte[] {-1},
                Arrays.copyOf(exactBytes, exactBytes.length - 1),
                Arrays.copyOf(exactBytes, exactBytes.length + 1),
                new byte[] {DistinctSketch.EXACT_TAG, 1},
                tooMany, unsorted, duplicated,
                Arrays.copyOf(denseBytes, denseBytes.length - 1),
                Arrays.copyOf(denseBytes, denseBytes.length + 8),
                new byte[] {DistinctSketch.DENSE_TAG},
                new byte[] {DistinctSketch.PACKED_TAG},
                Arrays.copyOf(packedBytes, packedBytes.length - 1),
                Arrays.copyOf(packedBytes, packedBytes.length + 1),
                Arrays.copyOf(denseBytes, 1 + 1024),
                badRegister, negativeRegister);
        for (byte[] bytes : corrupt) {
            assertThatThrownBy(() -> DistinctSketch.fromBytes(bytes))
                    .as("%s", Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 12))))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sketch");
        }
    }

    @Property(tries = 2_000)
    void arbitraryBytesAreASketchOrAnIllegalArgument(@ForAll byte[] bytes) {
        try {
            DistinctSketch.fromBytes(bytes).estimate();
        } catch (IllegalArgumentException expected) {
            // the only failure allowed
        }
    }

    @Test
    void randomBytesWithAValidTagAreRejectedOrRead() {
        var random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[random.nextInt(2_100)];
            random.nextBytes(bytes);
            if (bytes.length > 0) {
                bytes[0] = (byte) (1 + random.nextInt(3));
            }
            try {
                DistinctSketch.fromBytes(bytes).estimate();
            } catch (IllegalArgumentException expected) {
                // the only failure allowed
            }
        }
    }

    @Test
    void hashIsPinnedBecauseSketchesArePersisted() {
        assertThat(DistinctSketch.hash("")).isEqualTo(PINNED_EMPTY);
        assertThat(DistinctSketch.hash("a")).isEqualTo(PINNED_A);
        assertThat(DistinctSketch.hash("192.168.0.1")).isEqualTo(PINNED_IP);
        assertThat(DistinctSketch.hash("user-42")).isEqualTo(PINNED_USER);
        assertThat(DistinctSketch.hash("Zürich 東京 \uD83D\uDE00")).isEqualTo(PINNED_UNICODE);
    }

    private static final long PINNED_EMPTY = -1594270702265061578L;
    private static final long PINNED_A = -1974072904015675141L;
    private static final long PINNED_IP = -611499118284973478L;
    private static final long PINNED_USER = 1434457291167155052L;
    private static final long PINNED_UNICODE = -7823714711800670151L;

    @Test
    void hashAvalanches() {
        // flipping one input bit flips each output bit about half the time
        var random = new Random(5);
        int[] flips = new int[64];
        int trials = 20_000;
        for (int t = 0; t < trials; t++) {
            char[] chars = new char[1 + random.nextInt(16)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(0x10000);
            }
            long before = DistinctSketch.hash(new String(chars));
            int at = random.nextInt(chars.length);
            chars[at] ^= (char) (1 << random.nextInt(16));
            long difference = before ^ DistinctSketch.hash(new String(chars));
            for (int bit = 0; bit < 64; bit++) {
                flips[bit] += (int) ((difference >>> bit) & 1);
            }
        }
        for (int bit = 0; bit < 64; bit++) {
            assertThat((double) flips[bit] / trials).as("output bit %d", bit).isBetween(0.47, 0.53);
        }
    }
}
