package dev.apianalytics.server;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link SummarisedPagesContract} on the embedded DuckDB database. */
class DuckDbSummarisedPagesTest extends SummarisedPagesContract {

    @TempDir
    Path dataDir;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        return builder.dataDir(dataDir);
    }
}
