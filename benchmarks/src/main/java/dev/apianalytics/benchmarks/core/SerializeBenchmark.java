package dev.apianalytics.benchmarks.core;

import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The uploader's CPU work per batch: writing the body (the family's JSON, or the compact form our
 * collector reads) and gzipping it, with one
 * {@link WireFormat.Encoder} reused batch after batch as the uploader's thread does. One
 * operation is one record, so the score reads directly as records per second on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SerializeBenchmark {

    private static final int BATCH = 1_000;
    private List<RequestRecord> batch;
    private final WireFormat.Encoder gzipEncoder = new WireFormat.Encoder(true);
    private final WireFormat.Encoder plainEncoder = new WireFormat.Encoder(false);

    @Setup(Level.Trial)
    public void buildBatch() throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        long now = 1_790_000_000_000L;
        batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(RealisticRecords.next(random, now + i * 7L, UnaryOperator.identity()));
        }
        System.out.println("bytes per " + BATCH + "-record batch: json " + jsonOnly().length
                + ", gzip fastest " + jsonAndGzip().length + ", gzip default " + jsonAndDefaultLevelGzip().length
                + "; compact " + compactOnly().length + ", gzip fastest " + compactAndGzip().length);
    }

    /** JSON and gzip, exactly as the uploader posts (gzip at its fastest level). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] jsonAndGzip() throws IOException {
        return gzipEncoder.encode("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, batch);
    }

    /** JSON alone (gzip turned off in Config). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] jsonOnly() throws IOException {
        return plainEncoder.encode("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, batch);
    }

    /** The compact form and gzip, as the uploader posts once our collector has offered the form. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] compactAndGzip() {
        return gzipEncoder.encodeCompact("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, batch);
    }

    /** The compact form alone. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] compactOnly() {
        return plainEncoder.encodeCompact("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, batch);
    }

    /** For comparison: gzip at the JDK's default level, which the uploader does not use. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] jsonAndDefaultLevelGzip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + batch.size() * 48);
        try (GZIPOutputStream out = new GZIPOutputStream(bytes, 8192)) {
            WireFormat.write(out, "3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, batch);
        }
        return bytes.toByteArray();
    }
}
