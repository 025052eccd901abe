package dev.apianalytics.it.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The collector answers 201 only once rows are committed. So after {@code kill -9} in the
 * middle of concurrent posting, and a restart on the same data, every row of every batch that
 * got a 201 is there exactly once; a batch that got no answer is either all there or not at all.
 * Two crashes in a row, on DuckDB and on PostgreSQL.
 */
@Isolated("restarts collectors and loads both cores: timing-sensitive tests must not share them")
class CrashDurabilityTest {

    private static final int CLIENTS = 4;
    private static final int CRASHES = 2;
    private static final int ACKNOWLEDGED_BATCHES_BEFORE_KILL = 30;

    @ParameterizedTest
    @ValueSource(strings = {"duckdb", "postgresql"})
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyAcknowledgedRowSurvivesKillNine(String database, @TempDir Path dataDir) throws Exception {
        String databaseUrl = database.equals("postgresql") ? Postgres.freshSchemaUrl() : null;
        List<String> output = CollectorProcess.newOutput();
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        Map<String, Integer> unanswered = new ConcurrentHashMap<>();
        String key = null;
        try {
            for (int crash = 1; crash <= CRASHES; crash++) {
                CollectorProcess collector = CollectorProcess.start(dataDir, databaseUrl, output);
                CollectorClient client = new CollectorClient(collector.url());
                if (key == null) {
                    key = client.newKey();
                } else {
                    verify(client, key, acknowledged, unanswered, database + " after crash " + (crash - 1));
                }
                postUntilKilled(collector, client, key, "c" + crash, acknowledged, unanswered);
            }
            try (CollectorProcess collector = CollectorProcess.start(dataDir, databaseUrl, output)) {
                CollectorClient client = new CollectorClient(collector.url());
                Figures figures = verify(client, key, acknowledged, unanswered, database + " after crash " + CRASHES);
                System.out.printf("durability %s: %d crashes, %d acknowledged batches (%d rows) all present exactly; "
                                + "%d unanswered batches: %d complete, %d absent, none partial%n", database, CRASHES,
                        acknowledged.size(), acknowledged.values().stream().mapToLong(Integer::longValue).sum(),
                        unanswered.size(), figures.completeUnanswered, unanswered.size() - figures.completeUnanswered);
            }
            String secret = key;
            assertThat(output).as("the collector's output").isNotEmpty().noneMatch(line -> line.contains(secret));
        } finally {
            if (databaseUrl != null) {
                Postgres.dropSchema(databaseUrl);
            }
        }
    }

    private record Figures(int completeUnanswered) {}

    /** Posts from several clients until enough batches were acknowledged, then SIGKILLs the collector mid-stream. */
    private static void postUntilKilled(CollectorProcess collector, CollectorClient client, String key, String round,
            Map<String, Integer> acknowledged, Map<String, Integer> unanswered) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acknowledgedThisRound = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            int thread = t;
            Thread poster = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String batchId = round + "-t" + thread + "-b" + n;
                    int rows = ThreadLocalRandom.current().nextInt(1, 300);
                    try {
                        CollectorClient.Answer answer = client.postBatch(key, batchId, rows, n % 2 == 0);
                        if (answer.status() == 201) {
                            acknowledged.put(batchId, rows);
                            acknowledgedThisRound.incrementAndGet();
                            continue;
                        }
                    } catch (Exception e) {
                        // the collector died under this post: no answer
                    }
                    unanswered.put(batchId, rows);
                }
            }, "poster-" + t);
            poster.start();
            clients.add(poster);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (acknowledgedThisRound.get() < ACKNOWLEDGED_BATCHES_BEFORE_KILL && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(ThreadLocalRandom.current().nextInt(0, 200));
        collector.kill();
        stop.set(true);
        for (Thread thread : clients) {
            thread.join(60_000);
        }
        assertThat(acknowledgedThisRound.get()).as("batches acknowledged before the kill in round " + round)
                .isGreaterThanOrEqualTo(ACKNOWLEDGED_BATCHES_BEFORE_KILL);
    }

    private static Figures verify(CollectorClient client, String key, Map<String, Integer> acknowledged,
            Map<String, Integer> unanswered, String when) throws Exception {
        long expectedTotal = 0;
        for (Map.Entry<String, Integer> batch : acknowledged.entrySet()) {
            assertThat(client.countUser(key, batch.getKey())).as("rows of acknowledged batch %s %s", batch.getKey(), when)
                    .isEqualTo(batch.getValue().longValue());
            expectedTotal += batch.getValue();
        }
        int complete = 0;
        for (Map.Entry<String, Integer> batch : unanswered.entrySet()) {
            long found = client.countUser(key, batch.getKey());
            assertThat(found).as("rows of unanswered batch %s %s (all or nothing)", batch.getKey(), when)
                    .isIn(0L, batch.getValue().longValue());
            if (found > 0) {
                complete++;
                expectedTotal += found;
            }
        }
        assertThat(client.count(key, "")).as("all rows of the key %s", when).isEqualTo(expectedTotal);
        // the rows themselves, not just their number: each path once, none missing
        int checked = 0;
        for (Map.Entry<String, Integer> batch : acknowledged.entrySet()) {
            if (checked++ >= 10) {
                break;
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < batch.getValue(); i++) {
                expected.add("/" + batch.getKey() + "/" + i);
            }
            assertThat(CollectorClient.paths(client.rowsOfUser(key, batch.getKey())))
                    .as("paths of batch %s %s", batch.getKey(), when).containsExactlyInAnyOrderElementsOf(expected);
        }
        return new Figures(complete);
    }
}
