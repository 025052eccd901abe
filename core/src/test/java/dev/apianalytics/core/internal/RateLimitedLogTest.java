package dev.apianalytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    private static final long PERIOD = 60_000_000_000L;

    @Test
    void logsTheFirstWarningThenAtMostOnePerPeriodWithTheCountSuppressed() {
        AtomicLong now = new AtomicLong(1_000);
        RateLimitedLog rateLimited = new RateLimitedLog(PERIOD, now::get);
        RuntimeException first = new IllegalStateException("first");
        RuntimeException later = new IllegalStateException("later");
        try (CapturedLog log = CapturedLog.capture()) {
            rateLimited.warn("broken", first);
            now.addAndGet(PERIOD - 1);
            rateLimited.warn("broken", later);
            rateLimited.warn("broken", later);
            now.addAndGet(1);
            rateLimited.warn("broken", later);
            now.addAndGet(PERIOD);
            rateLimited.warn("broken", null);

            assertThat(log.warnings()).containsExactly("broken", "broken (2 similar warnings suppressed)", "broken");
            assertThat(log.warningCauses()).containsExactly(first, later, null);
        }
    }
}
