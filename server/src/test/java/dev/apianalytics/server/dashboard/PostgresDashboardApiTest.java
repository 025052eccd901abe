package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;

/** The dashboard's aggregates on a real PostgreSQL, in a schema of its own. */
final class PostgresDashboardApiTest extends DashboardApiContract {

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
