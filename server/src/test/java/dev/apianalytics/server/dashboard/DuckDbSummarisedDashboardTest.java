package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import dev.apianalytics.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;

/**
 * The same panels read from the hourly summaries on DuckDB, in a zone whose offsets are whole
 * hours (New York: the 30-day period spans its switch back from summer time on 1 November).
 */
final class DuckDbSummarisedDashboardTest extends DashboardApiContract {

    private Path directory;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception {
        directory = Files.createTempDirectory("dashboard-summaries-duckdb");
        return builder.dataDir(directory);
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
        TestFiles.deleteRecursively(directory);
    }
}
