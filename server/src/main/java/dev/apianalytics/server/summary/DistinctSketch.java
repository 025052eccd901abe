package dev.apianalytics.server.summary;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A mergeable estimate of how many distinct strings were added, small enough to store one per
 * hour and split (unique IP addresses, user ids, users).
 *
 * <p>While at most {@value #EXACT_LIMIT} distinct values have been seen it keeps their 64-bit
 * hashes, so small counts (the common case for one hour of one split) are exact and unions of
 * small sketches stay exact. Past that it becomes a HyperLogLog of 2<sup>{@value #PRECISION}</sup>
 * one-byte registers (standard error about 1.04/&radic;2048 &asymp; 2.3%), estimated with Otmar
 * Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog
 * sketches", arXiv:1702.01284, section 3), which needs neither a switch to linear counting nor
 * empirical bias tables and has no bias bump between small and large cardinalities.
 *
 * <p>{@link #toBytes()} is persisted, so {@link #hash(String)}, the register layout and the byte
 * format must never change; a new format needs a new tag. Not thread-safe.
 */
public final class DistinctSketch {

    /** Largest number of distinct hashes kept exactly. */
    static final int EXACT_LIMIT = 128;
    /** Index bits of the dense form. */
    static final int PRECISION = 11;
    static final int REGISTERS = 1 << PRECISION;
    /** Hash bits left after the index; a register holds 0 (empty) up to {@code RANK_BITS + 1}. */
    private static final int RANK_BITS = 64 - PRECISION;
    private static final int MAX_RANK = RANK_BITS + 1;

    static final byte EXACT_TAG = 1;
    static final byte DENSE_TAG = 2;
    /**
     * The dense form in half the bytes, two registers a byte (the even-numbered one in the high
     * half), while no register passes 15: a register past 15 takes 2<sup>15</sup> values on
     * average, so this is the form of nearly every dense sketch short of tens of thousands of
     * values. Collectors before it cannot read it: see {@link #toPackedBytes()}.
     */
    static final byte PACKED_TAG = 3;
    private static final int PACKED_MAX_RANK = 15;

    /** Sorted distinct hashes while exact; unused once dense. */
    private long[] hashes = new long[0];
    /** Null while exact. */
    private byte[] registers;

    public DistinctSketch() {}

    /**
     * The 64-bit hash under which a value is counted. It reads the string's UTF-16 chars (so it
     * does not depend on the platform charset) and ends with the splitmix64 finaliser so that every
     * input bit affects every output bit. Sketches are persisted: this function must return the
     * same value for the same string forever.
     */
    public static long hash(String value) {
        Objects.requireNonNull(value, "value");
        long h = 0x243F6A8885A308D3L ^ value.length();
        for (int i = 0; i < value.length(); i++) {
            // each step is a bijection of the state, so distinct prefixes never merge early
            h = (h ^ value.charAt(i)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 32;
        }
        return splitmix64Mix(h);
    }

    private static long splitmix64Mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Counts {@code value}; null is ignored. */
    public void add(String value) {
        if (value != null) {
            addHash(hash(value));
        }
    }

    /** Counts a value already hashed with {@link #hash(String)}. */
    public void addHash(long hash) {
        if (registers != null) {
            addToRegisters(registers, hash);
            return;
        }
        int position = Arrays.binarySearch(hashes, hash);
        if (position >= 0) {
            return;
        }
        if (hashes.length == EXACT_LIMIT) {
            registers = registersOf(hashes);
            hashes = new long[0];
            addToRegisters(registers, hash);
            return;
        }
        int insertAt = -position - 1;
        long[] grown = new long[hashes.length + 1];
        System.arraycopy(hashes, 0, grown, 0, insertAt);
        grown[insertAt] = hash;
        System.arraycopy(hashes, insertAt, grown, insertAt + 1, hashes.length - insertAt);
        hashes = grown;
    }

    /** Adds everything counted by {@code other} to this sketch; {@code other} is unchanged. */
    public void merge(DistinctSketch other) {
        if (other.registers == null) {
            if (registers == null) {
                hashes = union(hashes, other.hashes);
                if (hashes.length > EXACT_LIMIT) {
                    registers = registersOf(hashes);
                    hashes = new long[0];
                }
            } else {
                for (long hash : other.hashes) {
                    addToRegisters(registers, hash);
                }
            }
            return;
        }
        if (registers != null) {
            for (int i = 0; i < REGISTERS; i++) {
                if (other.registers[i] > registers[i]) {
                    registers[i] = other.registers[i];
                }
            }
            return;
        }
        byte[] merged = other.registers.clone();
        for (long hash : hashes) {
            addToRegisters(merged, hash);
        }
        hashes = new long[0];
        registers = merged;
    }

    /**
     * {@code merge(fromBytes(bytes))}, without the sketch in between when both are dense: a
     * summarised view merges tens of thousands of stored sketches.
     *
     * @throws IllegalArgumentException if {@code bytes} is not a sketch
     */
    public void mergeBytes(byte[] bytes) {
        if (registers != null && bytes != null && bytes.length > 0 && bytes[0] == PACKED_TAG) {
            checkPacked(bytes);
            for (int i = 0; i < REGISTERS; i++) {
                registers[i] = (byte) Math.max(registers[i], packedRegister(bytes, i));
            }
            return;
        }
        if (registers == null || bytes == null || bytes.length == 0 || bytes[0] != DENSE_TAG) {
            merge(fromBytes(bytes));
            return;
        }
        // checked whole first: corrupt bytes leave this sketch as it was
        checkDense(bytes);
        for (int i = 0; i < REGISTERS; i++) {
            if (bytes[i + 1] > registers[i]) {
                registers[i] = bytes[i + 1];
            }
        }
    }

    /** The number of distinct values added: exact up to {@value #EXACT_LIMIT}, an estimate beyond. */
    public long estimate() {
        return registers == null ? hashes.length : Math.round(ertlEstimate(registers));
    }

    /**
     * Tag {@value #EXACT_TAG}, then the number of hashes (one byte) and the hashes big-endian
     * (nothing after the tag when empty); or tag {@value #DENSE_TAG} then the 2048 registers.
     */
    public byte[] toBytes() {
        if (registers != null) {
            byte[] bytes = new byte[1 + REGISTERS];
            bytes[0] = DENSE_TAG;
            System.arraycopy(registers, 0, bytes, 1, REGISTERS);
            return bytes;
        }
        if (hashes.length == 0) {
            return new byte[] {EXACT_TAG};
        }
        byte[] bytes = new byte[2 + 8 * hashes.length];
        bytes[0] = EXACT_TAG;
        bytes[1] = (byte) hashes.length;
        for (int i = 0; i < hashes.length; i++) {
            long hash = hashes[i];
            for (int b = 0; b < 8; b++) {
                bytes[2 + 8 * i + b] = (byte) (hash >>> (56 - 8 * b));
            }
        }
        return bytes;
    }

    /**
     * {@link #toBytes()}, but a dense sketch whose registers all fit half a byte as tag
     * {@value #PACKED_TAG} then the 2048 registers in 1024 bytes. Only for values that collectors
     * before that form never read ({@code quarter_users}); the others keep {@link #toBytes()}, so
     * that an older collector sharing the database during a rolling upgrade still reads them.
     */
    public byte[] toPackedBytes() {
        if (registers != null && packs(registers)) {
            byte[] bytes = new byte[1 + REGISTERS / 2];
            bytes[0] = PACKED_TAG;
            for (int i = 0; i < REGISTERS; i += 2) {
                bytes[1 + i / 2] = (byte) (registers[i] << 4 | registers[i + 1]);
            }
            return bytes;
        }
        return toBytes();
    }

    /**
     * Several sketches as one stored value (the users of an hour's four quarters): each one's
     * {@link #toPackedBytes()} after its length in two bytes, big-endian; null is an empty sketch.
     */
    public static byte[] joinBytes(DistinctSketch... sketches) {
        List<byte[]> parts = new ArrayList<>(sketches.length);
        int length = 0;
        for (DistinctSketch sketch : sketches) {
            byte[] part = (sketch == null ? new DistinctSketch() : sketch).toPackedBytes();
            parts.add(part);
            length += 2 + part.length;
        }
        ByteBuffer joined = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            joined.putShort((short) part.length).put(part);
        }
        return joined.array();
    }

    /**
     * The sketches {@link #joinBytes} wrote, in order, each as {@link #toPackedBytes()} wrote it.
     *
     * @throws IllegalArgumentException if {@code joined} is not such a value
     */
    public static List<byte[]> splitBytes(byte[] joined) {
        List<byte[]> parts = new ArrayList<>(4);
        ByteBuffer buffer = ByteBuffer.wrap(joined);
        while (buffer.hasRemaining()) {
            int length = buffer.remaining() < 2 ? -1 : Short.toUnsignedInt(buffer.getShort());
            if (length < 1 || length > buffer.remaining()) {
                throw new IllegalArgumentException("corrupt joined distinct sketches: a part of " + length + " bytes where "
                        + buffer.remaining() + " remain");
            }
            byte[] part = new byte[length];
            buffer.get(part);
            parts.add(part);
        }
        return parts;
    }

    /**
     * Reads what {@link #toBytes()} or {@link #toPackedBytes()} wrote; null or empty is an empty sketch.
     *
     * @throws IllegalArgumentException if {@code bytes} is not a sketch
     */
    public static DistinctSketch fromBytes(byte[] bytes) {
        DistinctSketch sketch = new DistinctSketch();
        if (bytes == null || bytes.length == 0) {
            return sketch;
        }
        switch (bytes[0]) {
            case EXACT_TAG -> sketch.hashes = readExact(bytes);
            case DENSE_TAG -> sketch.registers = readDense(bytes);
            case PACKED_TAG -> sketch.registers = readPacked(bytes);
            default -> throw new IllegalArgumentException("not a distinct sketch: unknown format tag " + bytes[0]);
        }
        return sketch;
    }

    private static long[] readExact(byte[] bytes) {
        if (bytes.length == 1) {
            return new long[0];
        }
        int count = bytes[1] & 0xFF;
        if (count > EXACT_LIMIT) {
            throw new IllegalArgumentException(
                    "corrupt distinct sketch: " + count + " exact hashes, at most " + EXACT_LIMIT + " allowed");
        }
        if (bytes.length != 2 + 8 * count) {
            throw new IllegalArgumentException("corrupt distinct sketch: " + count + " exact hashes need "
                    + (2 + 8 * count) + " bytes, got " + bytes.length);
        }
        long[] hashes = new long[count];
        for (int i = 0; i < count; i++) {
            long hash = 0;
            for (int b = 0; b < 8; b++) {
                hash = (hash << 8) | (bytes[2 + 8 * i + b] & 0xFF);
            }
            // sorted and distinct is what keeps add() and merge() exact
            if (i > 0 && hash <= hashes[i - 1]) {
                throw new IllegalArgumentException("corrupt distinct sketch: exact hashes not sorted and distinct");
            }
            hashes[i] = hash;
        }
        return hashes;
    }

    private static boolean packs(byte[] registers) {
        for (byte register : registers) {
            if (register > PACKED_MAX_RANK) {
                return false;
            }
        }
        return true;
    }

    private static byte[] readPacked(byte[] bytes) {
        checkPacked(bytes);
        byte[] registers = new byte[REGISTERS];
        for (int i = 0; i < REGISTERS; i++) {
            registers[i] = (byte) packedRegister(bytes, i);
        }
        return registers;
    }

    /** Register {@code i} of the packed form: the high half of its byte when even, the low half when odd. */
    private static int packedRegister(byte[] packed, int i) {
        return packed[1 + i / 2] >> (i % 2 == 0 ? 4 : 0) & 0xF;
    }

    /** Throws unless {@code bytes} (tag {@value #PACKED_TAG}) hold {@link #REGISTERS} half-byte registers; any half byte is a rank. */
    private static void checkPacked(byte[] bytes) {
        if (bytes.length != 1 + REGISTERS / 2) {
            throw new IllegalArgumentException("corrupt distinct sketch: packed form needs " + (1 + REGISTERS / 2)
                    + " bytes, got " + bytes.length);
        }
    }

    private static byte[] readDense(byte[] bytes) {
        checkDense(bytes);
        return Arrays.copyOfRange(bytes, 1, bytes.length);
    }

    /** Throws unless {@code bytes} (tag {@value #DENSE_TAG}) hold {@link #REGISTERS} registers, each a possible rank. */
    private static void checkDense(byte[] bytes) {
        if (bytes.length != 1 + REGISTERS) {
            throw new IllegalArgumentException("corrupt distinct sketch: dense form needs " + (1 + REGISTERS)
                    + " bytes, got " + bytes.length);
        }
        for (int i = 1; i <= REGISTERS; i++) {
            if (bytes[i] < 0 || bytes[i] > MAX_RANK) {
                throw new IllegalArgumentException("corrupt distinct sketch: register value " + bytes[i] + " outside 0.."
                        + MAX_RANK);
            }
        }
    }

    private static byte[] registersOf(long[] hashes) {
        byte[] registers = new byte[REGISTERS];
        for (long hash : hashes) {
            addToRegisters(registers, hash);
        }
        return registers;
    }

    private static void addToRegisters(byte[] registers, long hash) {
        int index = (int) (hash >>> RANK_BITS);
        // the marker bit caps the rank at RANK_BITS + 1 when the remaining bits are all zero
        int rank = Long.numberOfLeadingZeros((hash << PRECISION) | (1L << (PRECISION - 1))) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    private static long[] union(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            long next;
            if (j == b.length || (i < a.length && a[i] < b[j])) {
                next = a[i++];
            } else if (i == a.length || b[j] < a[i]) {
                next = b[j++];
            } else {
                next = a[i++];
                j++;
            }
            out[n++] = next;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Ertl's improved raw estimator: alpha_inf m^2 / (m sigma(C_0/m) + sum_{k=1..q} C_k 2^-k
     * + m tau(1 - C_{q+1}/m) 2^-q), where C_k is how many registers hold k. sigma corrects for
     * empty registers (small cardinalities), tau for saturated ones (huge cardinalities).
     */
    private static double ertlEstimate(byte[] registers) {
        int[] histogram = new int[MAX_RANK + 1];
        for (byte register : registers) {
            histogram[register]++;
        }
        double m = REGISTERS;
        if (histogram[0] == REGISTERS) {
            return 0;
        }
        double z = m * tau(1 - histogram[MAX_RANK] / m);
        for (int k = RANK_BITS; k >= 1; k--) {
            z = 0.5 * (z + histogram[k]);
        }
        z += m * sigma(histogram[0] / m);
        return m * m / (2 * Math.log(2)) / z;
    }

    /** sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), summed until it no longer changes. */
    private static double sigma(double x) {
        if (x == 1) {
            return Double.POSITIVE_INFINITY;
        }
        double weight = 1;
        double sum = x;
        double previous;
        do {
            x *= x;
            previous = sum;
            sum += x * weight;
            weight += weight;
        } while (sum != previous);
        return sum;
    }

    /** tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, summed until it no longer changes. */
    private static double tau(double x) {
        if (x == 0 || x == 1) {
            return 0;
        }
        double weight = 1;
        double sum = 1 - x;
        double previous;
        do {
            x = Math.sqrt(x);
            previous = sum;
            weight *= 0.5;
            sum -= (1 - x) * (1 - x) * weight;
        } while (sum != previous);
        return sum / 3;
    }
}
