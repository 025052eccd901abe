package dev.apianalytics.server;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent ingestion on the embedded DuckDB database (through its group commit). */
class DuckDbIdempotentIngestTest extends IdempotentIngestTest {

    @TempDir
    static Path dataDir;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        return builder.dataDir(dataDir);
    }
}
