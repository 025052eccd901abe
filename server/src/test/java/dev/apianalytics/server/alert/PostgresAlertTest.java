package dev.apianalytics.server.alert;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;

/** Alerts on a real PostgreSQL, in a schema of its own. */
final class PostgresAlertTest extends AlertContract {

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
