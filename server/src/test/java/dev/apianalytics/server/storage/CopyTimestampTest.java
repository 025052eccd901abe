package dev.apianalytics.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class CopyTimestampTest {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    @Test
    void writesWhatTheFormatterWouldForEveryKindOfInstant() {
        for (String text : new String[] {"2000-01-01T00:00:00Z", "2026-12-02T20:45:07.123456789Z", "2024-02-29T23:59:59.999999Z",
                "1999-12-31T23:59:59.000001Z", "0999-06-01T01:02:03Z", "9999-12-31T23:59:59.5Z", "1969-07-20T20:17:40.05Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(PostgresStorage.timestamp(new StringBuilder(), instant).toString())
                    .as(text).isEqualTo(FORMAT.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
        }
    }

    @Test
    void duckDbMicrosecondsAreTheNaiveUtcTimestamps() {
        assertThat(DuckDbStorage.epochMicros(Instant.parse("2026-12-02T20:45:07.123456789Z"))).isEqualTo(1_796_244_307_123_456L);
        assertThat(DuckDbStorage.epochMicros(Instant.parse("1969-12-31T23:59:59.5Z"))).isEqualTo(-500_000L);
    }
}
