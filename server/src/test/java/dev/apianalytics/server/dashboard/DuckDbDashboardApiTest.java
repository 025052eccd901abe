package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import dev.apianalytics.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** The dashboard's aggregates on the embedded DuckDB database. */
final class DuckDbDashboardApiTest extends DashboardApiContract {

    private Path directory;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception {
        directory = Files.createTempDirectory("dashboard-duckdb");
        return builder.dataDir(directory);
    }

    @Override
    void cleanUp() {
        TestFiles.deleteRecursively(directory);
    }
}
