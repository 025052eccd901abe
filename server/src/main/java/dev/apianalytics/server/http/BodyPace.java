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
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The slowest a request body may arrive: after a grace period it must average at least
 * {@code minBytesPerSecond}, or reading it fails with a 408 answer. The rule holds while a read
 * waits, not only when bytes come: a client that declares a large body and then stalls (or
 * trickles one byte every few seconds) is answered as soon as it owes a byte, not at the idle
 * timeout, and a handler never waits on it for long, so whatever it held (a body slot) is freed.
 * The clock starts at the handler's first read, so time the request spent queued for a worker or
 * for memory is the collector's delay, not the client's; and a read that finds bytes waiting never
 * fails, however busy the collector was: only a read that must wait for the client is judged.
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
        return new Paced(source);
    }

    private static ApiException tooSlow(String message) {
        return new ApiException(408, message, Map.of("Connection", "close"));
    }

    private final class Paced extends InputStream {
        private final Content.Source source;
        // when the first read began; 0 until then
        private long started;
        private long read;
        private Content.Chunk chunk;
        private boolean ended;

        Paced(Content.Source source) {
            this.source = source;
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
            if (started == 0) {
                started = System.nanoTime();
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
                    read += n;
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
            // non-blocking, so Jetty runs it on the selector: a callback queued for a worker thread
            // would wait behind the very handlers blocked here, and a body that has arrived would time out
            source.demand(Invocable.from(Invocable.InvocationType.NON_BLOCKING, arrived::countDown));
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
    }
}
