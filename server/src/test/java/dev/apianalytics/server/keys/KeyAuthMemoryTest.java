package dev.apianalytics.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.storage.DuckDbStorage;
import dev.apianalytics.server.storage.Schema;
import dev.apianalytics.server.summary.SummaryJob;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys looked up or active once are not remembered forever, nor beyond a bound. */
class KeyAuthMemoryTest {

    @TempDir
    Path dataDir;

    @Test
    void lookupsAndActivityMarksAreBoundedAndExpire() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (DuckDbStorage storage = DuckDbStorage.open(dataDir, SummaryJob.LATE_AFTER)) {
            storage.migrate(Schema.migrations());
            KeyAuth keys = new KeyAuth(storage, clock, 100, 100);
            List<String> issued = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                issued.add(keys.issue());
            }
            for (String key : issued) {
                keys.authenticate(key); // a known key: looked up and marked active
                assertThat(keys.find(ApiKeys.newKey())).as("an unknown key").isEmpty();
            }
            assertThat(keys.heldEntries()).isLessThanOrEqualTo(200);
            assertThat(keys.find(issued.get(0))).as("an evicted key is looked up again").isPresent();

            clock.advance(KeyAuth.ACTIVITY_RESOLUTION.plus(Duration.ofSeconds(1)));
            assertThat(keys.heldEntries()).as("everything expired").isZero();
        }
    }
}
