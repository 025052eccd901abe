package dev.apianalytics.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantTextTest {

    @Test
    void writesWhatInstantToStringWritesForEveryKindOfFraction() {
        InstantText text = new InstantText();
        SplittableRandom random = new SplittableRandom(42);
        Instant[] edges = {Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999), Instant.parse("2025-01-01T00:00:00.050Z"),
            Instant.parse("2025-01-01T00:00:00.000050Z"), Instant.parse("2025-01-01T00:00:00.000000005Z"),
            Instant.parse("2025-01-01T00:00:00.100Z"), Instant.parse("2025-01-01T00:00:00.123456789Z"),
            Instant.parse("9999-12-31T23:59:59.999Z"), Instant.parse("+10000-01-01T00:00:00.5Z"), Instant.MIN, Instant.MAX};
        for (Instant instant : edges) {
            assertThat(new String(text.chars(), 0, text.format(instant))).isEqualTo(instant.toString());
        }
        Instant at = Instant.parse("2024-12-31T23:59:58Z");
        for (int i = 0; i < 200_000; i++) {
            // mostly rows in time order within a second, sometimes a jump, each kind of fraction
            at = switch (random.nextInt(8)) {
                case 0 -> Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L), random.nextInt(1_000_000_000));
                case 1 -> at.plusMillis(random.nextInt(2_000));
                case 2 -> at.plusNanos(random.nextInt(1_000) * 1_000L);
                case 3 -> at.plusNanos(random.nextInt(5_000));
                default -> at.plusMillis(random.nextInt(60));
            };
            Instant instant = random.nextInt(10) == 0 ? Instant.ofEpochSecond(at.getEpochSecond()) : at;
            assertThat(new String(text.chars(), 0, text.format(instant))).isEqualTo(instant.toString());
        }
    }
}
