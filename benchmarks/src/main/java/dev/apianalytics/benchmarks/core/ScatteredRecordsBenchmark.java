package dev.apianalytics.benchmarks.core;

import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.Seams;
import dev.apianalytics.core.internal.WireFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The uploader's encoding over records laid out in memory as a server leaves them. A server makes
 * each request's texts among the other objects it allocates for that request (its parsing, routing
 * and response), and the uploader reads them tens of milliseconds later, when they are out of the
 * caches. {@link SerializeBenchmark} encodes one batch whose records lie side by side and stay
 * cached; here each text is a fresh instance with {@code otherBytesPerRequest} of other objects
 * spread between the texts, and the batches encoded in turn hold far more than the caches.
 *
 * <p>The forks encoding the records themselves run without a garbage collector (Epsilon), so that
 * no collection gathers the records together again. One operation is one record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xmx3g"})
public class ScatteredRecordsBenchmark {

    /** The uploader's default batch size. */
    private static final int BATCH = 5_000;
    private static final int BATCHES = 12;
    /** The texts {@link RealisticRecords} reads afresh from a request, which the other objects are spread between. */
    private static final int TEXTS_PER_REQUEST = 5;

    /** What a request allocates besides our texts: a few kilobytes on a hello world (docs/performance.md). */
    @Param({"0", "3000"})
    public int otherBytesPerRequest;

    private final List<List<RequestRecord>> batches = new ArrayList<>();
    private final WireFormat.Encoder gzipEncoder = new WireFormat.Encoder(true);
    private int next;
    // keeps the other objects from being optimised away; nothing collects them in this fork
    private Object other;

    @Setup(Level.Trial)
    public void buildBatches() {
        SplittableRandom random = new SplittableRandom(42);
        long now = 1_790_000_000_000L;
        int gap = otherBytesPerRequest / TEXTS_PER_REQUEST;
        for (int b = 0; b < BATCHES; b++) {
            List<RequestRecord> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                batch.add(RealisticRecords.next(random, now + (b * BATCH + i) * 7L, text -> {
                    other = new byte[gap];
                    return new String(text.toCharArray());
                }));
            }
            batches.add(batch);
        }
    }

    /** The compact form and gzip, as the uploader posts to our collector. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] compactAndGzip() {
        return gzipEncoder.encodeCompact("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, nextBatch());
    }

    /** The family's JSON and gzip, as the uploader posts to other collectors. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] jsonAndGzip() {
        return gzipEncoder.encode("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, nextBatch());
    }

    /**
     * What the uploader's thread does in a server: the batch's records taken from its queue, where
     * the request threads copied them in order (the copying, the request threads' work, is left
     * out of the time), then the compact form and gzip. The queue's copies lie in order whatever
     * a collection does to the originals, so this fork has the usual collector (G1): without
     * one, every record rebuilt would land on memory never touched before, and its page faults
     * would be counted as the uploader's work.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    @Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
    public byte[] queuedCompactAndGzip(Queued queued) {
        List<RequestRecord> batch = queued.taken;
        batch.clear();
        queued.queue.take(batch, BATCH);
        return gzipEncoder.encodeCompact("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, batch);
    }

    /** The uploader's queue, filled with the next batch before each call. */
    @State(Scope.Thread)
    public static class Queued {
        final Seams.Queue queue = Seams.queue(BATCH);
        final List<RequestRecord> taken = new ArrayList<>(BATCH);

        @Setup(Level.Invocation)
        public void fill(ScatteredRecordsBenchmark records) {
            for (RequestRecord record : records.nextBatch()) {
                queue.offer(record);
            }
        }
    }

    private List<RequestRecord> nextBatch() {
        next = (next + 1) % BATCHES;
        return batches.get(next);
    }
}
