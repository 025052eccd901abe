package dev.apianalytics.server;

import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.WireFormat;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ingestion end to end on loopback: 1,000-row gzipped batches in our wire format, posted by a
 * few concurrent clients, timed from the first post to the last committed 201, then checked
 * against the row count in storage. Not a unit test (it is not run by {@code mvn verify}):
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.apianalytics.server.IngestionBenchmark -Dexec.args="duckdb 300 4"
 * </pre>
 *
 * Arguments: {@code duckdb|postgresql}, batches to post, concurrent clients, warm-up batches posted
 * before the clock starts (default 20; a few hundred let the JIT finish, as on a collector that has
 * been running for a while), and {@code no-idempotency-key} to post without the header our uploader
 * sends (each post then skips the batch-id claim), and {@code compact} to post the compact form our uploader
 * sends once the collector offers it instead of the family's JSON, and {@code fresh} for rows made in the
 * last ten seconds (as our uploader sends them) instead of over the last hour.
 * Prints rows per second and the CPU time per row of the collector apart from the posting
 * clients and the JIT compiler (from {@code /proc}, per thread; Linux only).
 */
public final class IngestionBenchmark {

    private static final int ROWS_PER_BATCH = 1_000;

    public static void main(String[] args) throws Exception {
        String storage = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "duckdb";
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int warmUpBatches = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        List<String> flags = List.of(args).subList(Math.min(4, args.length), args.length);
        boolean idempotencyKeys = !flags.contains("no-idempotency-key");
        boolean compact = flags.contains("compact");
        boolean fresh = flags.contains("fresh");

        Path dataDir = Files.createTempDirectory("api-analytics-bench");
        String pgUrl = storage.startsWith("p") ? TestEnvironment.freshPostgresSchemaUrl() : null;
        ServerConfig.Builder config = ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                .geoDatabase(TestEnvironment.geoDatabase()).postsPerMinute(1_000_000);
        if (pgUrl != null) {
            config.databaseUrl(pgUrl);
        }
        try (CollectorServer server = CollectorServer.start(config.build())) {
            Http http = new Http(server.url());
            String key = http.newKey();
            List<byte[]> bodies = new ArrayList<>();
            Random random = new Random(42);
            for (int i = 0; i < 50; i++) {
                bodies.add(Http.gzip(batch(key, random, compact, fresh ? 10_000 : 3_600_000).getBytes(StandardCharsets.UTF_8)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(clients, named("bench-client-"));
            HttpClient client = HttpClient.newBuilder().executor(Executors.newCachedThreadPool(named("bench-client-http-")))
                    .build();
            URI uri = URI.create(server.url() + "/api/log-request");
            post(pool, client, uri, bodies, warmUpBatches, clients, idempotencyKeys);

            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Map<String, Long> cpuStart = threadCpuTicks();
            long databaseStart = postgresCpuTicks();
            long start = System.nanoTime();
            post(pool, client, uri, bodies, batches, clients, idempotencyKeys);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Long> cpuEnd = threadCpuTicks();
            double rows = (double) batches * ROWS_PER_BATCH;
            double databasePerRow = (postgresCpuTicks() - databaseStart) * 1e6 / TICKS_PER_SECOND / rows;
            Map<String, Double> perRow = new LinkedHashMap<>();
            for (String group : cpuEnd.keySet()) {
                perRow.put(group, (cpuEnd.get(group) - cpuStart.getOrDefault(group, 0L)) * 1e6 / TICKS_PER_SECOND / rows);
            }
            pool.shutdown();

            long stored = server.storage().countRequests(server.storage().findKey(ApiKeys.hash(key)).orElseThrow(),
                    RequestFilter.ALL);
            long expected = (long) (warmUpBatches + batches) * ROWS_PER_BATCH;
            if (stored != expected) {
                throw new IllegalStateException("stored " + stored + " rows, expected " + expected);
            }
            System.out.printf(Locale.ROOT, "%s: %d batches of %d rows%s, %d clients%s: %.2f s, %,.0f rows/s (%d rows stored)%n",
                    server.storage().dialect(), batches, ROWS_PER_BATCH, (compact ? " (compact form)" : "") + (fresh ? ", made in the last 10 s" : ""), clients,
                    idempotencyKeys ? "" : ", no Idempotency-Key", seconds,
                    batches * ROWS_PER_BATCH / seconds, stored);
            double collector = perRow.get("collector") + perRow.get("gc");
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf(Locale.ROOT, "    CPU per row: collector %.1f us (of which GC %.1f), posting clients %.1f us,"
                    + " JIT compiler %.1f us; the collector alone on %d idle cores: %,.0f rows/s; load average %.1f%n",
                    collector, perRow.get("gc"), perRow.get("clients"), perRow.get("jit"), cores, cores * 1e6 / collector,
                    os.getSystemLoadAverage());
            if (pgUrl != null) {
                System.out.printf(Locale.ROOT, "    PostgreSQL's processes on this machine: %.1f us of CPU per row; collector and"
                        + " database together on %d idle cores: %,.0f rows/s%n", databasePerRow, cores,
                        cores * 1e6 / (collector + databasePerRow));
            }
        } finally {
            if (pgUrl != null) {
                TestEnvironment.dropSchema(pgUrl);
            }
            TestFiles.deleteRecursively(dataDir);
        }
    }

    /** Clock ticks of /proc's per-thread times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    /**
     * This JVM's CPU time from /proc, in clock ticks, by group of threads: the posting clients
     * (ours and the HTTP client's selector), the JIT compiler, the garbage collector, and the
     * collector (everything else: its HTTP and job threads, DuckDB's native threads). The
     * collector's share is the process's total minus the other groups, so the CPU of threads
     * that ended during the run (a JIT thread, say) counts as the collector's: it errs high.
     */
    private static Map<String, Long> threadCpuTicks() throws IOException {
        Map<String, Long> groups = new LinkedHashMap<>();
        for (String group : List.of("clients", "jit", "gc")) {
            groups.put(group, 0L);
        }
        long others = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String name;
                long ticks;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    ticks = cpuTicks(Files.readString(task.resolve("stat")));
                } catch (IOException ended) {
                    continue;
                }
                if (name.startsWith("bench-client") || name.startsWith("HttpClient-")) {
                    groups.merge("clients", ticks, Long::sum);
                } else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    groups.merge("jit", ticks, Long::sum);
                } else if (name.startsWith("GC ") || name.startsWith("G1 ")) {
                    groups.merge("gc", ticks, Long::sum);
                }
            }
        }
        long process = cpuTicks(Files.readString(Path.of("/proc/self/stat")));
        groups.put("collector", process - groups.get("clients") - groups.get("jit") - groups.get("gc"));
        return groups;
    }

    /** CPU ticks of every process on this machine named {@code postgres}: the local test server's share. */
    private static long postgresCpuTicks() throws IOException {
        long ticks = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    if (Files.readString(process.resolve("comm")).strip().equals("postgres")) {
                        ticks += cpuTicks(Files.readString(process.resolve("stat")));
                    }
                } catch (IOException ended) {
                    // the process ended while we looked
                }
            }
        }
        return ticks;
    }

    /** utime + stime of a /proc stat line (fields 14 and 15, counted after the command's closing parenthesis). */
    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void post(ExecutorService pool, HttpClient client, URI uri, List<byte[]> bodies, int batches,
            int clients, boolean idempotencyKeys) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < batches) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i % bodies.size())));
                    if (idempotencyKeys) {
                        // as the uploader sends it: the collector claims the id in the rows' transaction
                        request.header("Idempotency-Key", UUID.randomUUID().toString());
                    }
                    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 201) {
                        throw new IllegalStateException("post answered " + response.statusCode() + ": " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
    }

    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
        "curl/8.5.0", "python-requests/2.31.0", "okhttp/4.12.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"};
    private static final String[] IPS = {"8.8.8.8", "1.1.1.1", "81.2.69.142", "133.242.0.3", "193.0.6.139", "9.9.9.9"};
    private static final String[] ROUTES = {"/users/{id}", "/orders/{id}", "/health", "/products/{id}/reviews"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final int[] STATUSES = {200, 200, 200, 201, 204, 301, 400, 404, 500};

    /**
     * A batch of rows made over the last {@code ageMillis}: an hour by default (rows the collector
     * counts as late, marking their hours for the summaries again), ten seconds with {@code fresh},
     * as our uploader sends them every few seconds.
     */
    private static String batch(String key, Random random, boolean compact, int age) {
        List<RequestRecord> records = new ArrayList<>(ROWS_PER_BATCH);
        long now = System.currentTimeMillis();
        for (int i = 0; i < ROWS_PER_BATCH; i++) {
            String route = ROUTES[random.nextInt(ROUTES.length)];
            records.add(new RequestRecord("api.example.com", IPS[random.nextInt(IPS.length)],
                    route.replace("{id}", Integer.toString(random.nextInt(10_000))), route,
                    AGENTS[random.nextInt(AGENTS.length)], METHODS[random.nextInt(METHODS.length)],
                    STATUSES[random.nextInt(STATUSES.length)], 200 + random.nextInt(50_000),
                    random.nextInt(4) == 0 ? null : "user-" + random.nextInt(500), now - random.nextInt(age)));
        }
        return compact ? WireFormat.toCompactJson(key, "Javalin", PrivacyLevel.STORE_IP, records)
                : WireFormat.toJson(key, "Javalin", PrivacyLevel.STORE_IP, records);
    }
}
