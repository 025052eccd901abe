package dev.apianalytics.benchmarks.core;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.core.RequestView;
import dev.apianalytics.core.UploaderStats;
import dev.apianalytics.core.internal.Seams;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What an adapter does per request: read the start time, and when the request completes,
 * run the mappers over a {@link RequestView}, build a {@code RequestRecord} and copy it into
 * the uploader's queue.
 *
 * <p>The uploader here drops its batches unread instead of serialising and posting them, so
 * that its thread keeps the queue empty and the request path is measured alone (serialising
 * is {@code SerializeBenchmark}'s job), through core's internal {@link Seams}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RecordBenchmark {

    private static final String ROUTE = "/users/{id}";

    private static final String[] EXCLUDED = {"/health", "/actuator/**", "*.css", "*.js", "/static/**"};

    private final RequestView request = new BenchmarkRequest();
    private ApiAnalytics enabled;
    private ApiAnalytics withMappers;
    private ApiAnalytics privacyLevelTwo;
    private ApiAnalytics disabled;
    private ApiAnalytics withExcludedPaths;
    private final String excludedPath = "/static/js/app.js";

    @Setup(Level.Trial)
    public void start() {
        // a roomy queue: the drain thread shares two cores with the benchmark, and a full queue would measure the drop path
        Config config = Config.builder("3f1c6b2a-0000-4000-8000-000000000001")
                .queueCapacity(200_000)
                .flushOnShutdown(false)
                .build();
        enabled = draining(config);
        withMappers = draining(config.toBuilder()
                .ipAddress(RequestMapper.forwardedFor())
                .userId(RequestMapper.header("X-User-Id"))
                .build());
        privacyLevelTwo = draining(config.toBuilder().privacyLevel(PrivacyLevel.NO_IP).build());
        withExcludedPaths = draining(config.toBuilder().excludePaths(EXCLUDED).build());
        disabled = ApiAnalytics.create(Config.builder("").build(), "Benchmark");
    }

    private static ApiAnalytics draining(Config config) {
        return Seams.discardingAnalytics(config, "Benchmark");
    }

    @TearDown(Level.Trial)
    public void stop() {
        for (ApiAnalytics analytics : new ApiAnalytics[] {enabled, withMappers, privacyLevelTwo, withExcludedPaths}) {
            UploaderStats stats = analytics.stats();
            // a drop would mean the queue was full and the fast drop path was measured instead
            System.out.println("uploader: enqueued " + stats.enqueued() + ", dropped " + stats.dropped());
            analytics.close(Duration.ofSeconds(1));
        }
    }

    /** The timing an adapter does anyway, with no analytics at all: the floor to compare with. */
    @Benchmark
    public void baseline(Blackhole blackhole) {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        blackhole.consume(request);
        blackhole.consume(startNanos);
        blackhole.consume(startMillis);
    }

    /** Analytics installed but without an API key. */
    @Benchmark
    public void disabled() {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        disabled.record(request, 200, ROUTE, startNanos, startMillis);
    }

    /** The default mappers (peer address, Host, User-Agent), privacy level 0. */
    @Benchmark
    public void recordAndEnqueue() {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        enabled.record(request, 200, ROUTE, startNanos, startMillis);
    }

    /** X-Forwarded-For for the address and a user id from a header. */
    @Benchmark
    public void recordAndEnqueueWithMappers() {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        withMappers.record(request, 200, ROUTE, startNanos, startMillis);
    }

    /** Privacy level 2: the address is never read. */
    @Benchmark
    public void recordAndEnqueuePrivacyLevelTwo() {
        long startNanos = System.nanoTime();
        long startMillis = System.currentTimeMillis();
        privacyLevelTwo.record(request, 200, ROUTE, startNanos, startMillis);
    }

    /**
     * What an adapter does with five excluded-path patterns configured, for a request none of
     * them matches: {@code tracks(path)} first, then the same as {@link #recordAndEnqueue}.
     */
    @Benchmark
    public void recordAndEnqueueWithExcludedPaths() {
        if (withExcludedPaths.tracks(request.path())) {
            long startNanos = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            withExcludedPaths.record(request, 200, ROUTE, startNanos, startMillis);
        }
    }

    /**
     * The check alone for a request no excluded-path pattern matches: what the patterns add to
     * {@link #recordAndEnqueue}, measured apart from its noise.
     */
    @Benchmark
    public boolean trackedPath() {
        return withExcludedPaths.tracks(request.path());
    }

    /** A request that an excluded-path pattern matches: the check alone, nothing recorded. */
    @Benchmark
    public boolean excludedPath() {
        return withExcludedPaths.tracks(excludedPath);
    }

    /** A request as a framework holds it: strings it has already parsed. */
    static final class BenchmarkRequest implements RequestView {
        private final String method = "GET";
        private final String path = "/users/42";
        private final String host = "api.example.com";
        private final String userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        private final String forwardedFor = "203.0.113.7, 10.0.0.1";
        private final String userId = "user-1234";
        private final String remoteAddress = "10.0.0.1";

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public String header(String name) {
            if ("User-Agent".equalsIgnoreCase(name)) {
                return userAgent;
            }
            if ("X-Forwarded-For".equalsIgnoreCase(name)) {
                return forwardedFor;
            }
            if ("X-User-Id".equalsIgnoreCase(name)) {
                return userId;
            }
            if ("Host".equalsIgnoreCase(name)) {
                return host;
            }
            return null;
        }

        @Override
        public String remoteAddress() {
            return remoteAddress;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new IllegalArgumentException("no native request in a benchmark");
        }
    }
}
