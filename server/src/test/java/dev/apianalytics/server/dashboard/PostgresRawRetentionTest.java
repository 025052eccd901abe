package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;

/** Raw-row retention on a real PostgreSQL. */
final class PostgresRawRetentionTest extends RawRetentionContract {

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
