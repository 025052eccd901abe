package dev.apianalytics.core.internal;

import dev.apianalytics.core.PrivacyLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The body of one upload, exactly as {@code POST /api/log-request} expects it: the family's
 * fields plus our {@code route} and a {@code response_time} in milliseconds with microsecond
 * precision. Not API: for this project's uploader, tests and benchmarks.
 */
public final class WireFormat {

    /** Our collector's answer header listing the body forms it reads beside the family's JSON. */
    public static final String FORMATS_HEADER = "API-Analytics-Batch-Formats";
    /** The compact form's name in {@link #FORMATS_HEADER}. */
    public static final String COMPACT = "compact";

    private WireFormat() {}

    /** Writes one batch as UTF-8 JSON; the stream is flushed, not closed. */
    public static void write(OutputStream out, String apiKey, String framework, PrivacyLevel privacyLevel,
            List<RequestRecord> records) throws IOException {
        BatchJson json = new BatchJson();
        json.write(apiKey, framework, privacyLevel, records);
        out.write(json.bytes(), 0, json.length());
        out.flush();
    }

    /**
     * One batch exactly as the uploader posts it: UTF-8 JSON, gzipped when {@code gzip} is set.
     * Gzip runs at its fastest level: in our benchmark it encodes about twice as many records
     * per second as the default level, for a body about 40% larger (still about 9 times
     * smaller than the JSON), and the CPU it saves is the host application's. To encode
     * many batches, reuse an {@link Encoder} instead.
     */
    public static byte[] encode(String apiKey, String framework, PrivacyLevel privacyLevel,
            List<RequestRecord> records, boolean gzip) throws IOException {
        try (Encoder encoder = new Encoder(gzip)) {
            return encoder.encode(apiKey, framework, privacyLevel, records);
        }
    }

    /**
     * Encodes batch after batch as {@link WireFormat#encode} does, reusing its JSON buffer,
     * its {@link Deflater} and its output buffer, so that a batch allocates little more than
     * the body it returns. Not thread-safe: the uploader's thread owns one. Close it to free
     * the deflater's native memory.
     */
    public static final class Encoder implements AutoCloseable {
        private static final byte[] GZIP_HEADER = gzipHeader();
        private static final int TRAILER = 8;

        private final boolean gzip;
        private final BatchJson json = new BatchJson();
        private final BatchJson rows = new BatchJson();
        private final Deflater deflater;
        private final CRC32 crc;
        private byte[] zipped;

        /** An encoder that gzips (at the fastest level) when {@code gzip} is set. */
        public Encoder(boolean gzip) {
            this.gzip = gzip;
            this.deflater = gzip ? new Deflater(Deflater.BEST_SPEED, true) : null;
            this.crc = gzip ? new CRC32() : null;
            this.zipped = gzip ? new byte[16 * 1024] : null;
        }

        /** One batch's body, as {@link WireFormat#encode} would return it. */
        public byte[] encode(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records) {
            json.write(apiKey, framework, privacyLevel, records);
            return gzip ? gzip(json.bytes(), json.length()) : Arrays.copyOf(json.bytes(), json.length());
        }

        /**
         * One batch's body in the compact form that our collector reads once it has offered it
         * (the {@link #FORMATS_HEADER} header), gzipped as {@link #encode} does.
         */
        public byte[] encodeCompact(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records) {
            json.writeCompact(apiKey, framework, privacyLevel, records, rows);
            return gzip ? gzip(json.bytes(), json.length()) : Arrays.copyOf(json.bytes(), json.length());
        }

        /** What {@link GZIPOutputStream} writes: header, raw deflate stream, CRC-32 and length. */
        private byte[] gzip(byte[] input, int length) {
            deflater.reset();
            deflater.setInput(input, 0, length);
            deflater.finish();
            int at = GZIP_HEADER.length;
            System.arraycopy(GZIP_HEADER, 0, zipped, 0, at);
            while (!deflater.finished()) {
                if (at == zipped.length) {
                    zipped = Arrays.copyOf(zipped, zipped.length * 2);
                }
                at += deflater.deflate(zipped, at, zipped.length - at);
            }
            crc.reset();
            crc.update(input, 0, length);
            if (at + TRAILER > zipped.length) {
                zipped = Arrays.copyOf(zipped, at + TRAILER);
            }
            littleEndian(zipped, at, (int) crc.getValue());
            littleEndian(zipped, at + 4, length);
            return Arrays.copyOf(zipped, at + TRAILER);
        }

        private static void littleEndian(byte[] target, int at, int value) {
            target[at] = (byte) value;
            target[at + 1] = (byte) (value >> 8);
            target[at + 2] = (byte) (value >> 16);
            target[at + 3] = (byte) (value >> 24);
        }

        /** The JDK's own gzip header, so that bodies stay byte for byte what GZIPOutputStream made. */
        private static byte[] gzipHeader() {
            ByteArrayOutputStream empty = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(empty)) {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Arrays.copyOf(empty.toByteArray(), 10);
        }

        /** Frees the deflater; the encoder must not be used afterwards. */
        @Override
        public void close() {
            if (deflater != null) {
                deflater.end();
            }
        }
    }

    /** One batch as a UTF-8 JSON string, for tests and tools. */
    public static String toJson(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records) {
        BatchJson json = new BatchJson();
        json.write(apiKey, framework, privacyLevel, records);
        return new String(json.bytes(), 0, json.length(), StandardCharsets.UTF_8);
    }

    /** One batch in the compact form as a UTF-8 JSON string, for tests and tools. */
    public static String toCompactJson(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records) {
        BatchJson json = new BatchJson();
        json.writeCompact(apiKey, framework, privacyLevel, records, new BatchJson());
        return new String(json.bytes(), 0, json.length(), StandardCharsets.UTF_8);
    }

    /** Milliseconds with three decimals, never in exponent notation: 153 µs is {@code 0.153}; negative is 0. */
    public static String milliseconds(long micros) {
        return BatchJson.formatMilliseconds(micros);
    }

    /** RFC 3339 UTC with milliseconds, such as {@code 2026-11-26T08:15:30.123Z}. */
    public static String createdAt(long epochMillis) {
        return BatchJson.formatCreatedAt(epochMillis);
    }
}
