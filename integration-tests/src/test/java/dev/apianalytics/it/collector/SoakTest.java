package dev.apianalytics.it.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A bounded soak on loopback: a collector in its own JVM takes a steady stream of gzip batches
 * while dashboard and data-API readers query it. No request may fail, the heap after a full
 * GC must stay flat, and every accepted row must be stored. Latency percentiles and heap
 * samples are printed (and written to {@code target/soak-figures.txt}) for docs/reliability.md.
 * {@code -Dsoak.seconds=N} lengthens it (default 60).
 */
@Isolated("loads both cores for a minute: timing-sensitive tests must not share them")
class SoakTest {

    private static final int SECONDS = Integer.getInteger("soak.seconds", 60);
    private static final int INGEST_CLIENTS = 4;
    private static final int ROWS_PER_BATCH = 100;
    private static final long BATCH_INTERVAL_MS = 100; // per client: 4 x 10 posts/s x 100 rows = 4,000 rows/s
    private static final Pattern HEAP_USED = Pattern.compile("(?:generation|heap)\\s+total \\d+K, used (\\d+)K");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void steadyIngestionWithConcurrentReadsHasNoErrorsAndFlatMemory(@TempDir Path dataDir) throws Exception {
        List<String> output = CollectorProcess.newOutput();
        try (CollectorProcess collector = CollectorProcess.start(dataDir, null, output)) {
            CollectorClient client = new CollectorClient(collector.url());
            String key = client.newKey();
            // the first post waits for the user-agent rules to load: not part of the steady state
            assertThat(client.postBatch(key, "warm-up", 1, true).status()).isEqualTo(201);

            Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
            List<String> errors = new CopyOnWriteArrayList<>();
            AtomicLong accepted = new AtomicLong(1);
            AtomicLong batches = new AtomicLong();
            List<Long> heapSamples = new ArrayList<>();
            ScheduledExecutorService load = Executors.newScheduledThreadPool(INGEST_CLIENTS + 3);
            long started = System.nanoTime();
            for (int c = 0; c < INGEST_CLIENTS; c++) {
                int clientId = c;
                load.scheduleAtFixedRate(() -> timed("ingest", latencies, errors, () -> {
                    String batchId = "s-c" + clientId + "-" + batches.incrementAndGet();
                    CollectorClient.Answer answer = client.postBatch(key, batchId, ROWS_PER_BATCH, true);
                    if (answer.status() == 201) {
                        accepted.addAndGet(ROWS_PER_BATCH);
                    }
                    return answer;
                }), c * 25L, BATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
            }
            String[] dashboards = {"period=24h", "period=7d&status=2xx", "period=all&excludeBots=true", "period=24h&tz=Europe/Paris"};
            AtomicLong reads = new AtomicLong();
            load.scheduleWithFixedDelay(() -> timed("dashboard", latencies, errors,
                    () -> client.get("/api/dashboard?" + dashboards[(int) (reads.incrementAndGet() % dashboards.length)], key)),
                    100, 200, TimeUnit.MILLISECONDS);
            load.scheduleWithFixedDelay(() -> timed("data API, one batch", latencies, errors,
                    () -> client.get("/api/data?user_id=" + URLEncoder.encode("s-c0-" + Math.max(1, batches.get() - 5),
                            StandardCharsets.UTF_8), key)), 150, 200, TimeUnit.MILLISECONDS);
            load.scheduleWithFixedDelay(() -> timed("data API, 50,000-row page", latencies, errors,
                    () -> client.get("/api/data?page=1", key)), 1_000, 3_000, TimeUnit.MILLISECONDS);

            for (int second = 10; second <= SECONDS; second += 10) {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, started + second * 1_000_000_000L - System.nanoTime()));
                heapSamples.add(heapAfterFullGc(collector.pid()));
            }
            load.shutdown();
            assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            double elapsed = (System.nanoTime() - started) / 1e9;

            long stored = client.count(key, "");
            String figures = figures(latencies, heapSamples, accepted.get(), stored, elapsed);
            System.out.println(figures);
            Files.writeString(Path.of("target", "soak-figures.txt"), figures);

            assertThat(errors).as("failed requests during the soak").isEmpty();
            assertThat(stored).as("rows stored vs. rows the collector accepted").isEqualTo(accepted.get());
            long settled = heapSamples.get(Math.min(1, heapSamples.size() - 1));
            long last = heapSamples.get(heapSamples.size() - 1);
            assertThat(last).as("heap after full GC at the end vs. after warm-up (KiB), samples " + heapSamples)
                    .isLessThanOrEqualTo(settled * 3 / 2 + 16 * 1024);
        }
    }

    @FunctionalInterface
    private interface Call {
        CollectorClient.Answer run() throws Exception;
    }

    private static void timed(String kind, Map<String, List<Long>> latencies, List<String> errors, Call call) {
        long start = System.nanoTime();
        try {
            CollectorClient.Answer answer = call.run();
            if (answer.status() >= 300) {
                errors.add(kind + ": HTTP " + answer.status() + " " + answer.body());
            }
        } catch (Exception e) {
            errors.add(kind + ": " + e);
        }
        latencies.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime() - start);
    }

    /** Forces a full GC in the collector's JVM and reads what is still in use, in KiB. */
    private static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher matcher = HEAP_USED.matcher(info);
        long used = 0;
        boolean found = false;
        while (matcher.find()) {
            used += Long.parseLong(matcher.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("cannot read heap use from jcmd GC.heap_info:\n" + info);
        }
        return used;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed (the JDK's jcmd is needed): " + text);
        }
        return text;
    }

    private static String figures(Map<String, List<Long>> latencies, List<Long> heap, long accepted, long stored, double seconds) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "soak: %.0f s, %,d rows accepted (%,.0f rows/s), %,d stored%n", seconds, accepted, accepted / seconds, stored));
        latencies.forEach((kind, values) -> {
            List<Long> sorted;
            synchronized (values) {
                sorted = new ArrayList<>(values);
            }
            Collections.sort(sorted);
            text.append(String.format(Locale.ROOT, "soak: %-26s %6d requests  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n",
                    kind, sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99),
                    sorted.get(sorted.size() - 1) / 1e6));
        });
        text.append("soak: collector heap after full GC every 10 s (MiB):");
        heap.forEach(kib -> text.append(String.format(Locale.ROOT, " %.1f", kib / 1024.0)));
        return text.append(System.lineSeparator()).toString();
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
