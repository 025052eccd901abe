package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which part of a period the stored summaries cover and which part is read from the rows. */
final class SummarySourceTest {

    private static final Instant TO = Instant.parse("2026-11-20T15:30:00Z");

    @Test
    void wholeHoursUpToTheProgressAreSummarisedAndTheEndsComeFromTheRows() {
        SummarySource source = new SummarySource(1, TO.minus(Duration.ofDays(1)), TO, Instant.parse("2026-11-20T15:00:00Z"));
        assertThat(source.summarisedFrom()).isEqualTo(Instant.parse("2026-11-19T16:00:00Z"));
        assertThat(source.summarisedTo()).isEqualTo(Instant.parse("2026-11-20T15:00:00Z"));
        assertThat(source.liveRanges()).hasSize(2);
        assertThat(source.live()).isEqualTo(Duration.ofMinutes(60));
        assertThat(source.hasSummaries()).isTrue();
    }

    @Test
    void aPeriodStartingOnTheHourHasNoRowsAtItsStart() {
        SummarySource source = new SummarySource(1, Instant.parse("2026-11-19T15:00:00Z"), TO, Instant.parse("2026-11-20T15:00:00Z"));
        assertThat(source.liveRanges()).hasSize(1);
        assertThat(source.live()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void summariesFarBehindLeaveMostOfThePeriodToTheRows() {
        SummarySource source = new SummarySource(1, TO.minus(Duration.ofDays(30)), TO, TO.minus(Duration.ofDays(20)));
        assertThat(source.hasSummaries()).isTrue();
        assertThat(source.live()).isGreaterThan(SummaryAggregator.MAX_LIVE);
    }

    @Test
    void progressBeforeThePeriodMeansNoSummaries() {
        SummarySource source = new SummarySource(1, TO.minus(Duration.ofDays(1)), TO, TO.minus(Duration.ofDays(3)));
        assertThat(source.hasSummaries()).isFalse();
        assertThat(source.live()).isEqualTo(Duration.ofDays(1));
    }
}
