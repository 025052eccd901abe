package dev.apianalytics.server.monitor;

import dev.apianalytics.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Monitoring on the embedded DuckDB database. */
final class DuckDbMonitorTest extends MonitorContract {

    private Path directory;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws IOException {
        directory = Files.createTempDirectory("monitor-duckdb");
        return builder.dataDir(directory);
    }

    @Override
    void cleanUp() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
