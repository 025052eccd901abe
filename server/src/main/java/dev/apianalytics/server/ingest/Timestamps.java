package dev.apianalytics.server.ingest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * Reads {@code created_at} in every style the family's clients send: JS
 * ({@code 2026-11-26T08:15:30.123Z}), Go ({@code 2026-11-26T09:15:30+01:00}, any fraction), Python
 * ({@code 2026-11-26T08:15:30.123456}, naive, read as UTC; also with a space for the {@code T}), and
 * epoch numbers (seconds, or milliseconds when above 10^11).
 */
final class Timestamps {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    private static final double MILLIS_THRESHOLD = 1e11;

    private Timestamps() {}

    /** The instant, or {@code null} when the text is not a timestamp. */
    static Instant parse(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.length() > 64) {
            return null;
        }
        try {
            TemporalAccessor parsed = FORMAT.parseBest(trimmed, OffsetDateTime::from, LocalDateTime::from);
            if (parsed instanceof OffsetDateTime offset) {
                return offset.toInstant();
            }
            return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** An epoch number: seconds, or milliseconds when it is too large to be seconds. */
    static Instant fromEpoch(double value) {
        if (!Double.isFinite(value) || value < 0 || value > 1e15) {
            return null;
        }
        double millis = value >= MILLIS_THRESHOLD ? value : value * 1000;
        long whole = (long) Math.floor(millis);
        long nanos = Math.round((millis - whole) * 1_000_000);
        return Instant.ofEpochMilli(whole).plusNanos(nanos);
    }
}
