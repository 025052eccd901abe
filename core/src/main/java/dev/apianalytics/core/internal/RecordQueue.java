package dev.apianalytics.core.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bounded queue between request threads and the uploader's thread, with the accounting
 * that lets {@code flush()} wait for exactly the records queued before it.
 *
 * <p>A record is not kept as the object the request thread made: its fields are copied, in
 * order, into chunks of characters, and the uploader rebuilds the records from them. A server
 * makes each request's texts among the several kilobytes of other objects it allocates for
 * that request, so a batch of queued objects lies one record to a memory page; reading them
 * cost the uploader three times what reading them side by side does (docs/performance.md,
 * "records read in order"). The request thread copies the texts while they are in its cache.
 *
 * <p>Everything is guarded by {@code this}. The request thread writes a whole record under
 * the lock. The uploader, the only reader, notes under the lock how far records are written,
 * rebuilds them without it (writers only ever write past that point), and then frees what it
 * read under the lock again, where it also counts them as {@code taken}. {@code settled}
 * counts those of them that are done (sent, failed or discarded at close). {@link #markFlush}
 * reads {@code taken + size} under the same lock, so that sum covers every record offered
 * before the flush.
 */
final class RecordQueue {

    // 64 KB: about 160 typical records, so a default batch of 10,000 spans 60 or so
    static final int CHUNK_CHARS = 32 * 1024;
    // characters of a typical record: a browser's user agent, a path, a host, an address
    private static final int TYPICAL_RECORD_CHARS = 200;
    // status (2 chars), response time (4 chars), creation time (4 chars)
    private static final int FIXED_CHARS = 10;
    private static final int TEXTS = 7;
    // each text's length as an int in two chars; -1 for null
    private static final int LENGTH_CHARS = 2;

    /**
     * The most characters one record may copy in: five thousand times a typical record, far past
     * what a server lets through in a request line and headers, and past the 2,048 characters of
     * a path that our collector keeps. It keeps one absurd record from costing megabytes.
     */
    static final int MAX_RECORD_CHARS = 1 << 20;
    /** What {@link #offer} returns for a record past {@link #MAX_RECORD_CHARS}. */
    static final int TOO_LARGE = -1;

    private final int capacity;
    private final int pooledChunks;
    private final ArrayDeque<Chunk> pool = new ArrayDeque<>();
    private Chunk head;
    private int headAt;
    private Chunk tail;
    private int size;
    private long offered;
    private long taken;
    private long settled;
    private long flushTarget;
    private boolean closed;

    /** A queue of at most {@code capacity} records, which the reader takes {@code batchSize} at a time. */
    RecordQueue(int capacity, int batchSize) {
        this.capacity = capacity;
        // freed chunks kept for reuse: about what one batch of typical records spans, so that under
        // load the writers refill what the reader freed rather than new chunks (4 MB for 10,000)
        this.pooledChunks = (int) (((long) Math.min(capacity, batchSize) * TYPICAL_RECORD_CHARS + CHUNK_CHARS - 1) / CHUNK_CHARS);
        this.head = this.tail = new Chunk(CHUNK_CHARS);
    }

    /**
     * Queues a copy of the record unless the queue is full or closed; never blocks on anything
     * but the other writers' copies.
     *
     * @return the number of records queued with this one; 0 when the queue is full or closed,
     *     {@link #TOO_LARGE} when the record's texts add up to more than {@link #MAX_RECORD_CHARS}
     */
    int offer(RequestRecord record) {
        long length = FIXED_CHARS + TEXTS * LENGTH_CHARS + (long) length(record.hostname()) + length(record.ipAddress())
                + length(record.path()) + length(record.route()) + length(record.userAgent()) + length(record.method())
                + length(record.userId());
        if (length > MAX_RECORD_CHARS) {
            return TOO_LARGE;
        }
        synchronized (this) {
            if (closed || size >= capacity) {
                return 0;
            }
            Chunk chunk = tail;
            if (chunk.chars.length - chunk.limit < length) {
                chunk = append((int) length);
            }
            chunk.limit = write(chunk.chars, chunk.limit, record);
            offered++;
            return ++size;
        }
    }

    /** Whether {@link #discardRemaining} has closed the queue for good. */
    synchronized boolean closed() {
        return closed;
    }

    synchronized int size() {
        return size;
    }

    synchronized boolean isEmpty() {
        return size == 0;
    }

    /** Records accepted since the start. */
    synchronized long offered() {
        return offered;
    }

    /**
     * Moves up to {@code max} records, oldest first, into {@code batch}, counting them as taken;
     * with a {@code null} batch they are dropped unread. Only the uploader's thread calls it.
     */
    int take(List<RequestRecord> batch, int max) {
        int count;
        Chunk chunk;
        int at;
        Chunk lastWritten;
        int lastLimit;
        synchronized (this) {
            count = Math.max(0, Math.min(max, size));
            chunk = head;
            at = headAt;
            lastWritten = tail;
            lastLimit = tail.limit;
        }
        RecordReader reader = new RecordReader(batch);
        for (int i = 0; i < count; i++) {
            int limit = chunk == lastWritten ? lastLimit : chunk.limit;
            if (at == limit) {
                chunk = chunk.next;
                at = 0;
            }
            at = reader.read(chunk.chars, at);
        }
        synchronized (this) {
            free(chunk);
            headAt = at;
            size -= count;
            taken += count;
            if (size == 0 && head == tail) {
                restart();
            }
        }
        return count;
    }

    /** Asks the uploader to send everything queued now; returns the count flush() must see settled. */
    synchronized long markFlush() {
        long target = taken + size;
        if (target > flushTarget) {
            flushTarget = target;
        }
        return target;
    }

    /** Whether a flush waits for records still in the queue. */
    synchronized boolean flushPending() {
        return flushTarget > taken;
    }

    /** Counts taken records as done, waking flush() callers. */
    synchronized void settle(int records) {
        settled += records;
        notifyAll();
    }

    /** Empties the queue and closes it for good, counting its records as taken and settled; returns how many there were. */
    synchronized int discardRemaining() {
        int discarded = size;
        free(tail);
        size = 0;
        restart();
        taken += discarded;
        settled += discarded;
        closed = true;
        notifyAll();
        return discarded;
    }

    /** Waits until {@code target} records are settled or the deadline passes; whether they were. */
    synchronized boolean awaitSettled(long target, long deadlineNanos) {
        while (settled < target) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0 || closed) {
                return settled >= target;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Characters the queue holds on to, its pool's included: for tests of what it retains. */
    synchronized long retainedChars() {
        long chars = 0;
        for (Chunk chunk : pool) {
            chars += chunk.chars.length;
        }
        for (Chunk chunk = head; chunk != null; chunk = chunk.next) {
            chars += chunk.chars.length;
        }
        return chars;
    }

    /**
     * Lets the writers start again from a chunk's beginning once the queue is empty. A chunk made
     * for one large record is let go instead, so that it is not kept for ever. Under the lock.
     */
    private void restart() {
        if (tail.chars.length != CHUNK_CHARS) {
            head = tail = pool.isEmpty() ? new Chunk(CHUNK_CHARS) : pool.pop();
        }
        tail.limit = 0;
        headAt = 0;
    }

    /** Starts a chunk for a record of {@code length} chars after the last. Under the lock. */
    private Chunk append(int length) {
        Chunk chunk = length <= CHUNK_CHARS && !pool.isEmpty() ? pool.pop() : new Chunk(Math.max(length, CHUNK_CHARS));
        tail.next = chunk;
        tail = chunk;
        return chunk;
    }

    /** Makes {@code newHead} the first chunk, returning those before it to the pool. Under the lock. */
    private void free(Chunk newHead) {
        while (head != newHead) {
            Chunk done = head;
            head = done.next;
            done.next = null;
            done.limit = 0;
            if (done.chars.length == CHUNK_CHARS && pool.size() < pooledChunks) {
                pool.push(done);
            }
        }
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    private static int write(char[] to, int at, RequestRecord record) {
        at = putInt(to, at, record.status());
        at = putLong(to, at, record.responseTimeMicros());
        at = putLong(to, at, record.createdAtEpochMillis());
        at = putText(to, at, record.hostname());
        at = putText(to, at, record.ipAddress());
        at = putText(to, at, record.path());
        at = putText(to, at, record.route());
        at = putText(to, at, record.userAgent());
        at = putText(to, at, record.method());
        return putText(to, at, record.userId());
    }

    private static int putText(char[] to, int at, String text) {
        int length = text == null ? -1 : text.length();
        at = putInt(to, at, length);
        if (length > 0) {
            text.getChars(0, length, to, at);
            at += length;
        }
        return at;
    }

    private static int putInt(char[] to, int at, int value) {
        to[at] = (char) (value >>> 16);
        to[at + 1] = (char) value;
        return at + 2;
    }

    private static int getInt(char[] from, int at) {
        return from[at] << 16 | from[at + 1];
    }

    private static int putLong(char[] to, int at, long value) {
        to[at] = (char) (value >>> 48);
        to[at + 1] = (char) (value >>> 32);
        to[at + 2] = (char) (value >>> 16);
        to[at + 3] = (char) value;
        return at + 4;
    }

    private static long getLong(char[] from, int at) {
        return (long) from[at] << 48 | (long) from[at + 1] << 32 | (long) from[at + 2] << 16 | from[at + 3];
    }

    /**
     * Rebuilds records, each text a {@code String} again. A text met earlier in the same batch is
     * usually that earlier instance: hosts, methods, routes and agents repeat, and a shared
     * instance costs neither an allocation nor, in the encoder's table of texts, a second hash.
     * The texts met are kept in a small table keyed by a few of their characters; a collision
     * only costs a new instance.
     */
    private static final class RecordReader {
        private static final int SLOTS = 512;

        private final List<RequestRecord> batch;
        private final String[] seen = new String[SLOTS];
        // where each seen text lies in the chunks, which stay as they are until the batch is taken
        private final char[][] seenChars = new char[SLOTS][];
        private final int[] seenAt = new int[SLOTS];
        private final String[] texts = new String[TEXTS];

        RecordReader(List<RequestRecord> batch) {
            this.batch = batch;
        }

        /**
         * Reads the record at {@code at} into the batch, or only steps over it without a batch;
         * returns where the next one starts.
         */
        int read(char[] from, int at) {
            int fixed = at;
            at += FIXED_CHARS;
            for (int i = 0; i < TEXTS; i++) {
                int length = getInt(from, at);
                at += LENGTH_CHARS;
                if (batch != null) {
                    texts[i] = length < 0 ? null : text(from, at, length);
                }
                at += Math.max(length, 0);
            }
            if (batch != null) {
                batch.add(new RequestRecord(texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], getInt(from, fixed),
                        getLong(from, fixed + 2), texts[6], getLong(from, fixed + 6)));
            }
            return at;
        }

        private String text(char[] from, int at, int length) {
            if (length == 0) {
                return "";
            }
            int key = ((length * 31 + from[at]) * 31 + from[at + (length >> 1)]) * 31 + from[at + length - 1];
            int slot = (key ^ key >>> 9) & (SLOTS - 1);
            String text = seen[slot];
            if (text == null || text.length() != length
                    || !Arrays.equals(from, at, at + length, seenChars[slot], seenAt[slot], seenAt[slot] + length)) {
                text = new String(from, at, length);
                seen[slot] = text;
                seenChars[slot] = from;
                seenAt[slot] = at;
            }
            return text;
        }
    }

    /** Records written one after another; a record never spans two chunks. */
    private static final class Chunk {
        final char[] chars;
        // where the next record goes
        int limit;
        Chunk next;

        Chunk(int length) {
            this.chars = new char[length];
        }
    }
}
