package dev.apianalytics.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Metrics and probes on the embedded DuckDB database. */
class DuckDbMetricsTest extends MetricsContract {

    @TempDir
    static Path dataDir;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception {
        return builder.dataDir(Files.createTempDirectory(dataDir, "collector"));
    }
}
