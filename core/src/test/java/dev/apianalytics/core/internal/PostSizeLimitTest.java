package dev.apianalytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostSizeLimitTest {

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    void aLearntSizeHoldsForTenMinutesThenAWholeBatchIsTriedAgain() {
        PostSizeLimit limit = new PostSizeLimit();
        long start = 123_456_789L;
        assertThat(limit.current(start)).isEqualTo(Integer.MAX_VALUE);

        assertThat(limit.learn(2500, start)).as("a new size: worth a warning").isTrue();
        assertThat(limit.current(start + 9 * MINUTE)).isEqualTo(2500);
        assertThat(limit.current(start + 10 * MINUTE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theSameSizeLearntAgainIsNotWorthAnotherWarningButASmallerOneIs() {
        PostSizeLimit limit = new PostSizeLimit();
        long start = -5 * MINUTE; // nanoTime may be negative
        limit.learn(2500, start);
        long later = start + 11 * MINUTE;

        assertThat(limit.learn(2500, later)).isFalse();
        assertThat(limit.current(later)).isEqualTo(2500);
        assertThat(limit.learn(1250, later)).isTrue();
        assertThat(limit.learn(5000, later)).as("never raised by a larger half").isFalse();
        assertThat(limit.current(later)).isEqualTo(1250);
    }
}
