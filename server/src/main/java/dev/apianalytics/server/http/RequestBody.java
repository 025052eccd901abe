package dev.apianalytics.server.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A request body: read whole from the wire up to a cap (what a client sent costs it as much as
 * us), then decoded lazily. A gzip body is inflated only as the reader asks for it, through a cap
 * on the decoded size, so a gzip bomb never exists whole in memory; {@link #open(int)} also caps
 * how many times its wire size a body may inflate to, so the work a gzip body causes is
 * proportional to what its sender sent. Every refusal is an
 * {@link ApiException}: 400 for a bad length or broken gzip, 413 past a cap, 415 for an encoding
 * other than gzip or none.
 */
public final class RequestBody {

    private static final int BUFFER = 16 * 1024;
    /** How much of an oversized body is read and discarded so the 413 reaches the client. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;
    /**
     * What any gzip body may inflate to, whatever its compression ratio: more than any batch of
     * real rows that compresses unusually well (10,000 identical rows are about 2 MB at 250:1).
     */
    public static final long RATIO_FREE_BYTES = 4L * 1024 * 1024;

    private final byte[] wire;
    private final boolean gzip;
    private final long maxDecodedBytes;

    private RequestBody(byte[] wire, boolean gzip, long maxDecodedBytes) {
        this.wire = wire;
        this.gzip = gzip;
        this.maxDecodedBytes = maxDecodedBytes;
    }

    /**
     * Reads the body from {@code in}, refusing it before reading past {@code maxBytes};
     * {@code contentLength} and {@code contentEncoding} are the header values as sent, or null.
     * {@code reserve} is told the heap each chunk will take before it is kept (it may throw to
     * refuse), so memory is accounted as it is received, never ahead of what a client sent.
     */
    public static RequestBody read(InputStream in, String contentLength, String contentEncoding, long maxBytes,
            long maxDecodedBytes, LongConsumer reserve) throws IOException {
        String tooLarge = "the request body is larger than the limit of " + maxBytes + " bytes";
        if (contentLength != null) {
            long declared;
            try {
                declared = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number");
            }
            if (declared > maxBytes) {
                throw drainedTooLarge(in, tooLarge);
            }
        }
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        boolean declaredGzip = encoding.equals("gzip") || encoding.equals("x-gzip");
        if (!declaredGzip && !encoding.equals("identity") && !encoding.isEmpty()) {
            throw new ApiException(415, "Content-Encoding '" + encoding + "' is not supported; send gzip or no encoding");
        }
        var out = new ByteArrayOutputStream(BUFFER);
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) != -1) {
            total += read;
            if (total > maxBytes) {
                throw drainedTooLarge(in, tooLarge);
            }
            reserve.accept(2L * read); // the buffer grows by doubling, and is copied once at the end
            out.write(buffer, 0, read);
        }
        byte[] wire = out.toByteArray();
        boolean gzipMagic = wire.length >= 2 && (wire[0] & 0xff) == 0x1f && (wire[1] & 0xff) == 0x8b;
        return new RequestBody(wire, declaredGzip || gzipMagic, maxDecodedBytes);
    }

    /** Bytes as they came over the wire. */
    public int wireLength() {
        return wire.length;
    }

    /**
     * The decoded body as a stream. Reading it past the decoded cap throws a 413, broken gzip a
     * 400 (both {@link ApiException}s, so they pass unchanged through any parser reading it).
     */
    public InputStream open() {
        return open(Integer.MAX_VALUE);
    }

    /**
     * As {@link #open()}, and a gzip body may inflate past {@link #RATIO_FREE_BYTES} only up to
     * {@code maxRatio} times its wire size (413 past it). Real batches compress 10 to 90 times
     * (250 if every row is the same); a gzip bomb is made to compress a thousand times, so it is
     * refused after a tenth or less of the inflating it asks for.
     */
    public InputStream open(int maxRatio) {
        if (!gzip) {
            return new ByteArrayInputStream(wire);
        }
        long allowance = decodedAllowance(maxRatio);
        String tooLarge = allowance < maxDecodedBytes
                ? "the body inflates to more than " + maxRatio + " times its compressed size of " + wire.length
                        + " bytes (past " + RATIO_FREE_BYTES + " bytes); real batches never do"
                : "the decompressed request body is larger than the limit of " + maxDecodedBytes + " bytes";
        try {
            return new Capped(new GZIPInputStream(new ByteArrayInputStream(wire), BUFFER), allowance, tooLarge);
        } catch (IOException e) {
            throw notGzip(e);
        }
    }

    /**
     * The most text a body of this wire size may stand for: what {@link #open(int)} lets a gzip
     * body of this size inflate to. A body whose values name shared text (the compact batch form)
     * may expand to no more, so its sender gets no more work or memory out of the server than
     * the same rows written out and gzipped would.
     */
    public long decodedAllowance(int maxRatio) {
        return Math.min(maxDecodedBytes, Math.max(RATIO_FREE_BYTES, (long) maxRatio * wire.length));
    }

    /** The whole decoded body; for the small bodies of a few endpoints only. */
    public byte[] bytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /**
     * Reads and discards what the client is still sending (up to a bound), so that the error
     * answer reaches it: closing a socket with unread input makes TCP reset the connection,
     * and the client would see a broken pipe instead of the 413.
     */
    private static ApiException drainedTooLarge(InputStream in, String message) {
        try {
            byte[] sink = new byte[BUFFER];
            long drained = 0;
            int read;
            while (drained < DRAIN_LIMIT && (read = in.read(sink)) != -1) {
                drained += read;
            }
        } catch (IOException | ApiException ignored) {
            // the client is gone or stopped sending (the body rate's 408): the 413 says why all the same
        }
        return new ApiException(413, message, Map.of("Connection", "close"));
    }

    private static ApiException notGzip(IOException e) {
        return ApiException.badRequest("the body is not valid gzip: " + e.getMessage());
    }

    /** Inflates on demand and stops at the cap, before the excess is ever buffered. */
    private static final class Capped extends FilterInputStream {

        private final String tooLarge;
        private long remaining;

        Capped(InputStream in, long cap, String tooLarge) {
            super(in);
            this.tooLarge = tooLarge;
            this.remaining = cap;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int read;
            try {
                read = super.read(b, off, (int) Math.min(len, remaining + 1));
            } catch (ZipException | EOFException e) {
                throw notGzip(e);
            }
            if (read > 0) {
                remaining -= read;
                if (remaining < 0) {
                    throw new ApiException(413, tooLarge);
                }
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            return Math.max(0, read(new byte[(int) Math.max(1, Math.min(n, BUFFER))]));
        }
    }
}
