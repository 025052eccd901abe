package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    /**
     * Narrowed to a Wednesday in India (18:30 UTC on Tuesday to 18:30 on Wednesday), the rows answer
     * the half hours at its edges and the summaries the 23 hours between; the ends of the period
     * outside the day are not read at all.
     */
    @Test
    void localDaysThatCutHoursLeaveTheirPartHoursToTheRows() {
        Instant wednesday = Instant.parse("2026-11-17T18:30:00Z");
        List<Instant[]> days = List.<Instant[]>of(new Instant[] {wednesday, wednesday.plus(Duration.ofDays(1))});
        SummarySource source = new SummarySource(1, TO.minus(Duration.ofDays(7)), TO, Instant.parse("2026-11-20T15:00:00Z"), days);
        assertThat(source.liveRanges()).extracting(range -> range[0] + " " + range[1]).containsExactly(
                "2026-11-17T18:30:00Z 2026-11-17T19:00:00Z", "2026-11-18T18:00:00Z 2026-11-18T18:30:00Z");
        assertThat(source.live()).isEqualTo(Duration.ofMinutes(60));
        // the day not yet summarised comes from the rows whole, up to the period's end
        SummarySource today = new SummarySource(1, TO.minus(Duration.ofDays(1)), TO, Instant.parse("2026-11-19T12:00:00Z"),
                List.<Instant[]>of(new Instant[] {Instant.parse("2026-11-19T18:30:00Z"), Instant.parse("2026-11-20T18:30:00Z")}));
        assertThat(today.liveRanges()).extracting(range -> range[0] + " " + range[1]).containsExactly(
                "2026-11-19T18:30:00Z 2026-11-20T15:30:00Z");
    }
}
