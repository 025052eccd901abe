package dev.apianalytics.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;

/**
 * The slowest a request body may arrive: after a grace period it must average at least
 * {@code minBytesPerSecond}, or reading it fails with a 408 answer. The rule holds while a read
 * waits, not only when bytes come: a client that declares a large body and then stalls (or
 * trickles one byte every few seconds) is answered as soon as it owes a byte, not at the idle
 * timeout, and a handler never waits on it for long, so whatever it held (a body slot) is freed.
 */
final class BodyPace {

    private final long minBytesPerSecond;
    private final long graceNanos;

    BodyPace(long minBytesPerSecond, Duration grace) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
    }

    /** The body of {@code source} as a stream whose reads keep the pace. */
    InputStream watch(Content.Source source) {
        return new Paced(source, System.nanoTime());
    }

    private static ApiException tooSlow(String message) {
        return new ApiException(408, message, Map.of("Connection", "close"));
    }

    private final class Paced extends InputStream {
        private final Content.Source source;
        private final long started;
        private long read;
        private Content.Chunk chunk;
        private boolean ended;

        Paced(Content.Source source, long started) {
            this.source = source;
            this.started = started;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (!ended) {
                if (chunk == null) {
                    chunk = source.read();
                    if (chunk == null) {
                        awaitBytes();
                        continue;
                    }
                }
                if (Content.Chunk.isFailure(chunk)) {
                    throw failed(chunk.getFailure());
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = Math.min(length, bytes.remaining());
                bytes.get(buffer, offset, n);
                if (!bytes.hasRemaining()) {
                    ended = chunk.isLast();
                    chunk.release();
                    chunk = null;
                }
                if (n > 0) {
                    count(n);
                    return n;
                }
            }
            return -1;
        }

        @Override
        public void close() {
            if (chunk != null) {
                chunk.release();
                chunk = null;
            }
        }

        /** Waits for more of the body until the client owes a byte at the minimum rate. */
        private void awaitBytes() throws IOException {
            long owedAt = started + graceNanos + (long) ((read + 1) * 1e9 / minBytesPerSecond);
            long wait = owedAt - System.nanoTime();
            var arrived = new CountDownLatch(1);
            source.demand(arrived::countDown);
            try {
                if (wait <= 0 || !arrived.await(wait, TimeUnit.NANOSECONDS)) {
                    throw tooSlow("the request body stopped arriving: after " + graceNanos / 1_000_000_000
                            + " s it must average " + minBytesPerSecond + " bytes a second");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request body");
            }
        }

        private IOException failed(Throwable failure) {
            if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
                throw tooSlow("the request body stopped arriving for longer than the idle timeout");
            }
            return failure instanceof IOException io ? io : new IOException(failure);
        }

        private void count(int n) {
            read += n;
            long elapsed = System.nanoTime() - started - graceNanos;
            // bytes owed by now, at the minimum rate, past the grace period
            if (elapsed > 0 && read < minBytesPerSecond * (elapsed / 1_000_000_000.0)) {
                throw tooSlow("the request body arrives slower than " + minBytesPerSecond
                        + " bytes a second; send it faster or in smaller posts");
            }
        }
    }
}
