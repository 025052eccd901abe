package dev.apianalytics.server.monitor;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;

/** Monitoring on a real PostgreSQL, in a schema of its own. */
final class PostgresMonitorTest extends MonitorContract {

    private String url;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        url = TestEnvironment.freshPostgresSchemaUrl();
        return builder.databaseUrl(url).dbPoolSize(4);
    }

    @Override
    void cleanUp() {
        if (url != null) {
            TestEnvironment.dropSchema(url);
        }
    }
}
