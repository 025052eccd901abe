package dev.apianalytics.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.http.ApiException;
import org.junit.jupiter.api.Test;

class ParseBudgetTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void postsShareHalfTheHeapButOneAtItsWorstAlwaysFits() {
        // 2 x 16 MiB wire (buffer growth) + 64 MiB of rows' text + 10,000 rows' objects + the parser
        ServerConfig defaults = ServerConfig.builder().build();
        long worst = IngestHandler.parseBudget(defaults, 0);
        assertThat(worst).isBetween(106 * MIB, 107 * MIB);
        assertThat(IngestHandler.parseBudget(defaults, 128 * MIB)).as("a small heap still takes one post").isEqualTo(worst);
        assertThat(IngestHandler.parseBudget(defaults, 2048 * MIB)).isEqualTo(1024 * MIB);
    }

    @Test
    void aPostThatCannotGetMemoryBeforeItsDeadlineIsTold503() {
        var budget = new MemoryBudget(4 * MIB);
        try (var first = budget.open(0)) {
            first.grow(3 * MIB);
            try (var second = budget.open(1_000_000)) {
                second.grow(MIB);
                assertThatThrownBy(() -> second.grow(1)).isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.headers()).containsEntry("Retry-After", "1");
                });
            }
            try (var third = budget.open(0)) {
                third.grow(MIB);
                assertThat(third.heldBytes()).as("what a closed reservation held is free again").isEqualTo(MIB);
            }
        }
    }
}
