package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import dev.apianalytics.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Raw-row retention on the embedded DuckDB database. */
final class DuckDbRawRetentionTest extends RawRetentionContract {

    private Path directory;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception {
        directory = Files.createTempDirectory("raw-retention-duckdb");
        return builder.dataDir(directory);
    }

    @Override
    void cleanUp() {
        TestFiles.deleteRecursively(directory);
    }
}
