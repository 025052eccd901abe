package dev.apianalytics.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The slowest a request body may arrive: after a grace period it must average at least
 * {@code minBytesPerSecond}, or reading it fails with a 408 answer. A client that trickles its
 * body (one byte every few seconds) would otherwise hold a worker thread and whatever slot its
 * handler took for as long as it likes; one that stops sending altogether is cut by the idle
 * timeout, which bounds every single read.
 */
final class BodyPace {

    private final long minBytesPerSecond;
    private final long graceNanos;

    BodyPace(long minBytesPerSecond, Duration grace) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
    }

    InputStream watch(InputStream body) {
        return new Watched(body, System.nanoTime());
    }

    private static ApiException tooSlow(String message) {
        return new ApiException(408, message, Map.of("Connection", "close"));
    }

    private final class Watched extends FilterInputStream {
        private final long started;
        private long read;

        Watched(InputStream in, long started) {
            super(in);
            this.started = started;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException e) {
                if (e.getCause() instanceof TimeoutException) {
                    throw tooSlow("the request body stopped arriving for longer than the idle timeout");
                }
                throw e;
            }
            count(n);
            return n;
        }

        private void count(int n) {
            if (n <= 0) {
                return;
            }
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
