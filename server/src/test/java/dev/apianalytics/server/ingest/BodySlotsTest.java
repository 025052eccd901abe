package dev.apianalytics.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.ServerConfig;
import org.junit.jupiter.api.Test;

class BodySlotsTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void concurrentPostsAreBoundedByTheHeapAndTheWorkers() {
        ServerConfig defaults = ServerConfig.builder().build(); // 16 MiB wire + 64 MiB of rows' text + 10,000 rows' objects
        assertThat(IngestHandler.bodySlots(defaults, 512 * MIB)).as("a small heap still takes two").isEqualTo(2);
        assertThat(IngestHandler.bodySlots(defaults, 2048 * MIB)).isEqualTo(11);
        assertThat(IngestHandler.bodySlots(defaults, 64 * 1024 * MIB)).as("never more than the workers").isEqualTo(16);
        ServerConfig small = ServerConfig.builder().maxBodyBytes(MIB).maxDecompressedBytes(4 * MIB).build();
        assertThat(IngestHandler.bodySlots(small, 512 * MIB)).isEqualTo(16);
    }
}
