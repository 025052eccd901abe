package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import java.time.ZoneId;

/** The same panels read from the hourly summaries on a real PostgreSQL. */
final class PostgresSummarisedDashboardTest extends DashboardApiContract {

    private String url;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        url = TestEnvironment.freshPostgresSchemaUrl();
        return builder.databaseUrl(url).dbPoolSize(4);
    }

    @Override
    boolean summarised() {
        return true;
    }

    @Override
    ZoneId zone() {
        return ZoneId.of("America/New_York");
    }

    @Override
    void cleanUp() {
        if (url != null) {
            TestEnvironment.dropSchema(url);
        }
    }
}
