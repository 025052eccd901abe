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
            .toFormatter()
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    private static final double MILLIS_THRESHOLD = 1e11;

    private Timestamps() {}

    /** The instant, or {@code null} when the text is not a timestamp. */
    static Instant parse(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.length() > 64) {
            return null;
        }
        Instant fast = utcFast(trimmed);
        if (fast != null) {
            return fast;
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

    /**
     * {@code uuuu-MM-ddTHH:mm:ss[.fraction]Z}, what our clients and JS send, without the
     * general parser's cost; {@code null} for anything else (the general parser decides).
     */
    static Instant utcFast(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (length > 20) {
            if (text.charAt(19) != '.' || length - 21 > 9 || length - 21 < 1) {
                return null;
            }
            int fraction = digits(text, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = length - 21; i < 9; i++) {
                nanos *= 10;
            }
        } else if (text.charAt(19) != 'Z') {
            return null;
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null; // February 30th and the like
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
