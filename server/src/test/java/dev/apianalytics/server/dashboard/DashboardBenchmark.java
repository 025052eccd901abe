package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import dev.apianalytics.server.storage.DuckDbStorage;
import dev.apianalytics.server.storage.PostgresStorage;
import dev.apianalytics.server.storage.Schema;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.storage.StoredRequest;
import dev.apianalytics.server.summary.Summaries;
import dev.apianalytics.server.summary.SummaryJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Times {@code GET /api/dashboard}'s aggregates over one key with many rows, straight against
 * storage (no HTTP). Not a test: run it by hand, see docs/dashboard.md.
 *
 * <pre>
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark duckdb 10000000
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark jdbc:postgresql://... 10000000 3 summaries-only
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark duckdb 10000000 0 keep
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark duckdb:/tmp/dashboard-benchmark... 1 5 summaries-only reuse
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark duckdb:/tmp/dashboard-benchmark... 1 5 summaries-only reuse checks-kept
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark jdbc:postgresql://... 1000000 3 summaries-only keep
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark jdbc:postgresql://... KEY 3 summaries-only reuse
 * java -cp ... dev.apianalytics.server.dashboard.DashboardBenchmark jdbc:postgresql://... KEY 3 summaries-only reuse 'only=30d&tz=Europe/Paris$'
 * </pre>
 */
public final class DashboardBenchmark {

    /**
     * The views timed: every period, zones offset by a half and three quarters of an hour, the
     * settings, each filter the slices answer, a local hour and weekday (from summaries in whole-hour
     * zones, from the rows in India), the filters only rows answer (a user, hidden endpoints) and
     * two filters at once.
     */
    private static final List<String> VIEWS = List.of(
            "period=24h&tz=Europe/Paris",
            "period=7d&tz=Europe/Paris",
            "period=30d&tz=Europe/Paris",
            "period=all&tz=Europe/Paris",
            "period=24h&tz=Asia/Kolkata",
            "period=30d&tz=Asia/Kolkata",
            "period=30d&tz=Asia/Kathmandu",
            "period=30d&tz=Europe/Paris&hostname=api.example.com&excludeBots=true&exclude404=true",
            "period=30d&tz=Europe/Paris&status=4xx",
            "period=30d&tz=Europe/Paris&status=404",
            "period=30d&tz=Europe/Paris&country=DE",
            "period=30d&tz=Europe/Paris&endpoint=/v1/orders&method=GET",
            "period=30d&tz=Europe/Paris&client=curl",
            "period=30d&tz=Europe/Paris&os=iOS",
            "period=30d&tz=Europe/Paris&device=mobile",
            "period=7d&tz=Europe/Paris&country=DE&excludeBots=true",
            "period=30d&tz=Asia/Kolkata&country=DE",
            "period=30d&tz=Asia/Kathmandu&status=4xx",
            "period=7d&tz=Asia/Kolkata&device=mobile",
            "period=24h&tz=Asia/Kolkata&os=iOS",
            "period=30d&tz=Europe/Paris&version=v2",
            "period=30d&tz=Asia/Kolkata&version=v1",
            "period=30d&tz=Europe/Paris&hour=9",
            "period=30d&tz=Europe/Paris&weekday=3",
            "period=30d&tz=Asia/Kolkata&hour=9",
            "period=30d&tz=Asia/Kolkata&weekday=3",
            "period=30d&tz=Asia/Kathmandu&weekday=6",
            "period=30d&tz=America/St_Johns&weekday=7",
            "period=30d&tz=Europe/Paris&user=user-123",
            "period=30d&tz=Europe/Paris&hide=/health",
            "period=24h&tz=Europe/Paris&status=4xx&country=DE",
            "period=7d&tz=Europe/Paris&status=4xx&country=DE",
            "period=30d&tz=Europe/Paris&status=4xx&country=DE");

    /** Distinct client addresses: a busy public API's worth, not one per request. */
    private static final int USERS = 100_000;

    private DashboardBenchmark() {}

    private static String ip(int n) {
        return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
    }

    public static void main(String[] args) throws Exception {
        String target = args.length > 0 ? args[0] : "duckdb";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<String> flags = Arrays.asList(args).subList(Math.min(3, args.length), args.length);
        // "summaries-only" skips timing the rows, which takes minutes a view on PostgreSQL
        boolean rowsToo = !flags.contains("summaries-only");
        // "checks-kept" keeps what the hidden patterns' check found from run to run, as a running
        // collector does; without it every run checks afresh, as the first view in five minutes does
        HiddenPathChecks keptChecks = flags.contains("checks-kept") ? new HiddenPathChecks(Clock.systemUTC()) : null;
        // "keep" leaves the seeded key (and DuckDB's directory) behind for timing queries by hand
        boolean keep = flags.contains("keep");
        // "unindexed" leaves PostgreSQL's closed weeks without the indexes a collector builds
        // "only=REGEX" times the views the expression finds in, such as only=30d&tz=Europe/Paris$
        java.util.regex.Pattern only = flags.stream().filter(flag -> flag.startsWith("only=")).findFirst()
                .map(flag -> java.util.regex.Pattern.compile(flag.substring("only=".length()))).orElse(null);
        Path directory = null;
        Storage storage;
        // "reuse" times the views of key ROWS that an earlier run kept (DuckDB: target "duckdb:DIRECTORY")
        boolean reuse = flags.contains("reuse");
        if (target.startsWith("jdbc:postgresql:")) {
            storage = PostgresStorage.open(target, 4, SummaryJob.LATE_AFTER);
        } else if (reuse) {
            storage = DuckDbStorage.open(Path.of(target.substring("duckdb:".length())), SummaryJob.LATE_AFTER);
        } else {
            directory = Files.createTempDirectory("dashboard-benchmark");
            storage = DuckDbStorage.open(directory, SummaryJob.LATE_AFTER);
        }
        long keyId = -1;
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            storage.migrate(Schema.migrations());
            storage.migrate(Summaries.migrations());
            // "minute=M" times the views as at minute M of the hour, the last such minute before now: a
            // period starts at that minute, and its first hour's rows up to the next hour are read raw
            Instant now = flags.stream().filter(flag -> flag.startsWith("minute=")).findFirst()
                    .map(flag -> atMinute(Instant.now(), Integer.parseInt(flag.substring("minute=".length()))))
                    .orElseGet(Instant::now);
            // PostgreSQL's weekly partitions, as a collector makes them when it starts
            storage.prepareRequestPartitions(now);
            if (!reuse) {
                keyId = storage.createKey("benchmark-" + System.nanoTime(), now);
                long started = System.nanoTime();
                seed(storage, keyId, rows, now);
                System.out.printf("%s: inserted %,d rows in %.1f s%n", storage.describe(), rows, (System.nanoTime() - started) / 1e9);
            } else {
                keyId = rows;
            }
            long started = System.nanoTime();
            Instant summarised = new SummaryJob(storage, Clock.fixed(now, ZoneOffset.UTC)).run();
            System.out.printf("summarised every hour until %s in %.1f s%n", summarised, (System.nanoTime() - started) / 1e9);
            if (!flags.contains("unindexed")) {
                // PostgreSQL's indexes of the closed weeks, as a running collector builds them hourly
                started = System.nanoTime();
                int indexed = storage.indexClosedRequestPartitions(now, null);
                System.out.printf("built %d index(es) of closed partitions in %.1f s%n", indexed, (System.nanoTime() - started) / 1e9);
            }
            for (String view : runs > 0 ? VIEWS : List.<String>of()) {
                if (only != null && !only.matcher(view).find()) {
                    continue;
                }
                time(storage, threads, keyId, view, now, runs, rowsToo, keptChecks);
            }
        } finally {
            if (keep || reuse) {
                System.out.printf("kept key %d in %s%n", keyId, directory == null ? target : directory);
            } else if (keyId >= 0) {
                storage.deleteKey(keyId); // leaves a shared PostgreSQL as it was
            }
            storage.close();
            threads.shutdownNow();
            if (directory != null && !keep) {
                TestFiles.deleteRecursively(directory);
            }
        }
    }

    /** Times one view both ways, alternating run by run so that both see the same machine. */
    /** The last instant at minute {@code minute} of an hour, second 30, not after {@code now}. */
    static Instant atMinute(Instant now, int minute) {
        Instant at = now.truncatedTo(ChronoUnit.HOURS).plusSeconds(minute * 60L + 30);
        return at.isAfter(now) ? at.minus(Duration.ofHours(1)) : at;
    }

    private static void time(Storage storage, ExecutorService threads, long keyId, String view, Instant now, int runs,
            boolean rowsToo, HiddenPathChecks keptChecks) throws Exception {
        DashboardQuery query = DashboardQuery.parse(parameters(view));
        double[] summarised = new double[runs];
        double[] fromRows = new double[runs];
        boolean usedSummaries = false;
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            try (Connection connection = storage.connection()) {
                usedSummaries = new SummaryAggregator(connection, storage, threads,
                        keptChecks == null ? new HiddenPathChecks(Clock.systemUTC()) : keptChecks)
                        .compute(keyId, query, now, 0, null).isPresent();
                if (!usedSummaries) {
                    new DashboardAggregator(connection, storage, threads, new Semaphore(1)).compute(keyId, query, now);
                }
            }
            summarised[run] = (System.nanoTime() - start) / 1e6;
            if (!rowsToo) {
                continue;
            }
            start = System.nanoTime();
            try (Connection connection = storage.connection()) {
                new DashboardAggregator(connection, storage, threads, new Semaphore(1)).compute(keyId, query, now);
            }
            fromRows[run] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(summarised);
        Arrays.sort(fromRows);
        System.out.printf("%-86s %s median %6.0f ms best %6.0f ms | rows median %6.0f ms best %6.0f ms | x%.1f%n", view,
                usedSummaries ? "summaries" : "rows     ", summarised[runs / 2], summarised[0], fromRows[runs / 2], fromRows[0],
                fromRows[runs / 2] / summarised[runs / 2]);
    }

    private static Map<String, List<String>> parameters(String view) {
        Map<String, List<String>> parameters = new HashMap<>();
        for (String pair : view.split("&")) {
            String[] parts = pair.split("=", 2);
            parameters.put(parts[0], List.of(parts[1]));
        }
        return parameters;
    }

    /** Rows over the last 30 days, in time order as they would arrive, in batches. */
    private static void seed(Storage storage, long keyId, int rows, Instant now) throws Exception {
        Random random = new Random(1);
        String[] routes = {"/v1/users/{id}", "/v1/orders", "/v2/products/{sku}", "/health", "/v1/orders/{id}/items"};
        String[] countries = {"US", "GB", "DE", "FR", "JP", "BR", "IN", null};
        String[] clients = {"Chrome", "Safari", "Firefox", "curl", "python-requests", "okhttp"};
        String[] oses = {"Windows", "macOS", "Linux", "iOS", "Android", "Unknown"};
        String[] devices = {"desktop", "mobile", "other", "bot"};
        int[] statuses = {200, 200, 200, 200, 200, 201, 204, 301, 400, 401, 404, 500};
        long span = Duration.ofDays(30).toMillis();
        int batchSize = 200_000;
        for (int done = 0; done < rows; done += batchSize) {
            int size = Math.min(batchSize, rows - done);
            List<StoredRequest> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                long offset = span - (long) ((double) (done + i) / rows * span);
                int route = random.nextInt(routes.length);
                String path = routes[route].replace("{id}", Integer.toString(random.nextInt(100_000)))
                        .replace("{sku}", "p" + random.nextInt(5_000));
                String device = devices[random.nextInt(devices.length)];
                batch.add(new StoredRequest(now.minusMillis(offset), random.nextInt(5) == 0 ? "staging.example.com" : "api.example.com",
                        ip(random.nextInt(USERS)), path, routes[route],
                        random.nextInt(10) == 0 ? "POST" : "GET", statuses[random.nextInt(statuses.length)],
                        Math.exp(2.5 + random.nextGaussian()), "agent", clients[random.nextInt(clients.length)],
                        oses[random.nextInt(oses.length)], device, device.equals("bot"), countries[random.nextInt(countries.length)],
                        random.nextInt(3) == 0 ? "user-" + random.nextInt(USERS / 2) : null, "Javalin",
                        random.nextInt(10) == 0 ? "https://github.com/" : null));
            }
            storage.insertRequests(keyId, batch);
        }
    }
}
