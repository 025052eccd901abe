package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
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
}
