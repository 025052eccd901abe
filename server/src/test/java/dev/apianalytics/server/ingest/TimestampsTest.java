package dev.apianalytics.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @Test
    void readsEveryClientStyle() {
        assertThat(Timestamps.parse("2026-11-26T08:15:30.123Z")).isEqualTo(Instant.parse("2026-11-26T08:15:30.123Z"));
        assertThat(Timestamps.parse("2026-11-26T09:15:30+01:00")).isEqualTo(Instant.parse("2026-11-26T08:15:30Z"));
        assertThat(Timestamps.parse("2026-11-26T09:15:30.123456789+01:00"))
                .isEqualTo(Instant.parse("2026-11-26T08:15:30.123456789Z"));
        assertThat(Timestamps.parse("2026-11-26T08:15:30.123456")).isEqualTo(Instant.parse("2026-11-26T08:15:30.123456Z"));
        assertThat(Timestamps.parse("2026-11-26 08:15:30.123456+00:00")).isEqualTo(Instant.parse("2026-11-26T08:15:30.123456Z"));
        assertThat(Timestamps.parse("2026-11-26T08:15:30-0500")).isEqualTo(Instant.parse("2026-11-26T13:15:30Z"));
        assertThat(Timestamps.parse("2026-11-26t08:15:30z")).isEqualTo(Instant.parse("2026-11-26T08:15:30Z"));
    }

    @Test
    void readsEpochSecondsAndMilliseconds() {
        assertThat(Timestamps.fromEpoch(1_764_144_930)).isEqualTo(Instant.parse("2025-11-26T08:15:30Z"));
        assertThat(Timestamps.fromEpoch(1_764_144_930.5)).isEqualTo(Instant.parse("2025-11-26T08:15:30.500Z"));
        assertThat(Timestamps.fromEpoch(1_764_144_930_123L)).isEqualTo(Instant.parse("2025-11-26T08:15:30.123Z"));
        assertThat(Timestamps.fromEpoch(-1)).isNull();
        assertThat(Timestamps.fromEpoch(Double.NaN)).isNull();
    }

    @Test
    void theFastPathAgreesWithTheGeneralParser() {
        for (String text : new String[] {"2026-11-26T08:15:30Z", "2026-11-26T08:15:30.1Z", "2026-11-26T08:15:30.123Z",
                "2026-11-26T08:15:30.123456789Z", "2024-02-29T23:59:59.999Z"}) {
            assertThat(Timestamps.utcFast(text)).as(text).isEqualTo(Instant.parse(text));
        }
        assertThat(Timestamps.utcFast("2026-02-30T08:15:30Z")).isNull();
        assertThat(Timestamps.utcFast("2026-11-26T24:15:30Z")).isNull();
        assertThat(Timestamps.utcFast("2026-11-26T08:15:30.Z")).isNull();
        assertThat(Timestamps.utcFast("2026-11-26T08:15:30.1234567890Z")).isNull();
        assertThat(Timestamps.utcFast("2026-11-26T08:15:30+01:00")).isNull();
        assertThat(Timestamps.parse("2026-02-30T08:15:30Z")).isNull();
    }

    @Test
    void refusesWhatIsNotATimestamp() {
        assertThat(Timestamps.parse("yesterday")).isNull();
        assertThat(Timestamps.parse("2026-13-01T00:00:00Z")).isNull();
        assertThat(Timestamps.parse("2026-11-26")).isNull();
        assertThat(Timestamps.parse("")).isNull();
    }
}
