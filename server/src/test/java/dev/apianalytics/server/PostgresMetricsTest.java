package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics and probes on a real PostgreSQL, in schemas of their own; and the pool's gauges. */
class PostgresMetricsTest extends MetricsContract {

    private final List<String> urls = new ArrayList<>();

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        String url = TestEnvironment.freshPostgresSchemaUrl();
        urls.add(url);
        return builder.databaseUrl(url);
    }

    @Override
    void cleanUp() {
        urls.forEach(TestEnvironment::dropSchema);
    }

    @Test
    void thePoolIsExposed() {
        String scrape = scrape();
        assertThat(value(scrape, "apianalytics_db_connections", "state", "active")).isGreaterThanOrEqualTo(0);
        assertThat(value(scrape, "apianalytics_db_connections", "state", "idle")).isGreaterThanOrEqualTo(0);
        assertThat(value(scrape, "apianalytics_db_connections", "state", "pending")).isZero();
    }
}
