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
    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "okhttp/4.12.0",
    };
    private static final String[] ROUTES = {"/users/{id}", "/orders/{id}/items", "/health", "/search"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final int[] STATUSES = {200, 200, 200, 201, 204, 301, 400, 404, 500};

    private List<RequestRecord> batch;
    private final WireFormat.Encoder gzipEncoder = new WireFormat.Encoder(true);
    private final WireFormat.Encoder plainEncoder = new WireFormat.Encoder(false);

    @Setup(Level.Trial)
    public void buildBatch() throws IOException {
        // a realistic mix: a few routes, agents and statuses, distinct ids, addresses and times
        SplittableRandom random = new SplittableRandom(42);
        long now = 1_790_000_000_000L;
        batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            String route = ROUTES[random.nextInt(ROUTES.length)];
            String path = route.replace("{id}", Integer.toString(random.nextInt(100_000)));
            batch.add(new RequestRecord(
                    "api.example.com",
                    "203.0." + random.nextInt(256) + "." + random.nextInt(256),
                    path,
                    route,
                    USER_AGENTS[random.nextInt(USER_AGENTS.length)],
                    METHODS[random.nextInt(METHODS.length)],
                    STATUSES[random.nextInt(STATUSES.length)],
                    random.nextInt(200_000),
                    random.nextInt(4) == 0 ? "user-" + random.nextInt(1_000) : null,
                    now + i * 7L));
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
