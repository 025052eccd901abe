package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Hourly summaries on a real PostgreSQL, including two collectors sharing it. */
final class PostgresSummariesTest extends SummariesContract {

    private String url;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        if (url == null) {
            url = TestEnvironment.freshPostgresSchemaUrl();
        }
        return builder.databaseUrl(url).dbPoolSize(4);
    }

    @Override
    void cleanUp() {
        if (url != null) {
            TestEnvironment.dropSchema(url);
        }
    }

    @Test
    void twoCollectorsSummarisingAtOnceCountEveryRowOnce() throws Exception {
        String key = http.newKey();
        SeedData.post(http, key, SeedData.rows(15, 500, NOW, 10));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (CollectorServer second = CollectorServer.start(config().build())) {
            List<Callable<Object>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CollectorServer target = i % 2 == 0 ? server : second;
                runs.add(() -> target.summarise());
            }
            for (Future<Object> run : threads.invokeAll(runs)) {
                run.get();
            }
        } finally {
            threads.shutdownNow();
        }
        var data = dashboard(key, "period=30d");
        assertThat(data.get("estimated").getAsBoolean()).isTrue();
        assertThat(requests(data)).isEqualTo(500);
    }

    /**
     * A summarised view holds a connection and reads its sketches on more of them: twice as many
     * views at once as the pool has connections once all waited, holding the pool, until the
     * pool's 10-second timeout failed them. Now each answers.
     */
    @Test
    void moreDashboardsAtOnceThanThePoolHasConnectionsAllAnswer() throws Exception {
        String key = http.newKey();
        SeedData.post(http, key, SeedData.rows(16, 2000, NOW, 20));
        server.summarise();
        int views = 8;
        ExecutorService threads = Executors.newFixedThreadPool(views);
        try {
            for (int round = 0; round < 3; round++) {
                List<Callable<Integer>> requests = new ArrayList<>();
                for (int i = 0; i < views; i++) {
                    String period = i % 2 == 0 ? "30d" : "7d";
                    requests.add(() -> http.get("/api/dashboard?period=" + period, "X-AUTH-TOKEN", key).status());
                }
                long start = System.nanoTime();
                for (Future<Integer> status : threads.invokeAll(requests)) {
                    assertThat(status.get()).isEqualTo(200);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well within the pool's timeout")
                        .isLessThan(Duration.ofSeconds(8));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(dashboard(key, "period=30d").get("estimated").getAsBoolean()).isTrue();
        assertThat(server.storage().spareConnections().availablePermits()).as("every permit given back").isEqualTo((4 - 1) / 2);
    }
}
