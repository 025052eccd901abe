package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hourly summaries on the embedded DuckDB database. */
final class DuckDbSummariesTest extends SummariesContract {

    private Path directory;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception {
        directory = Files.createTempDirectory("summaries-duckdb");
        return builder.dataDir(directory);
    }

    @Override
    void cleanUp() {
        TestFiles.deleteRecursively(directory);
    }
}
