package dev.apianalytics.server;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The protocol suite on the embedded DuckDB database. */
class DuckDbCollectorProtocolTest extends CollectorProtocolTest {

    @TempDir
    static Path dataDir;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        return builder.dataDir(dataDir);
    }
}
