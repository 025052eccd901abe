package dev.apianalytics.core.internal;

import dev.apianalytics.core.PrivacyLevel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch's JSON straight into a reusable UTF-8 byte buffer, byte for byte what gson's
 * {@code JsonWriter} (nulls serialised, no HTML escaping) wrote before: no per-record strings,
 * no per-batch buffers, {@code created_at} formatted by hand once per second.
 * One instance per thread.
 */
final class BatchJson {

    private static final int INITIAL_CAPACITY = 64 * 1024;
    // a rare huge batch should not pin its buffer for the life of the application
    private static final int MAX_RETAINED_CAPACITY = 4 * 1024 * 1024;
    private static final long FIRST_FOUR_DIGIT_MILLIS = -62_167_219_200_000L; // 0000-01-01T00:00:00Z
    private static final long LAST_FOUR_DIGIT_MILLIS = 253_402_300_799_999L; // 9999-12-31T23:59:59.999Z
    private static final DateTimeFormatter FIVE_DIGIT_YEARS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** 10^0 to 10^18: a long has at most 19 digits. */
    private static final long[] POWERS_OF_TEN = powersOfTen();
    /** "00" to "99", two bytes each. */
    private static final byte[] DIGIT_PAIRS = digitPairs();
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final byte[] API_KEY = ascii("{\"api_key\":");
    private static final byte[] FRAMEWORK = ascii(",\"framework\":");
    private static final byte[] PRIVACY_LEVEL = ascii(",\"privacy_level\":");
    private static final byte[] REQUESTS = ascii(",\"requests\":[");
    private static final byte[] HOSTNAME = ascii("{\"hostname\":");
    private static final byte[] IP_ADDRESS = ascii(",\"ip_address\":");
    private static final byte[] PATH = ascii(",\"path\":");
    private static final byte[] USER_AGENT = ascii(",\"user_agent\":");
    private static final byte[] METHOD = ascii(",\"method\":");
    private static final byte[] STATUS = ascii(",\"status\":");
    private static final byte[] RESPONSE_TIME = ascii(",\"response_time\":");
    private static final byte[] USER_ID = ascii(",\"user_id\":");
    private static final byte[] CREATED_AT = ascii(",\"created_at\":\"");
    private static final byte[] ROUTE = ascii(",\"route\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] COLUMNS = ascii(",\"columns\":[\"hostname\",\"ip_address\",\"path\",\"route\","
            + "\"user_agent\",\"method\",\"status\",\"response_time\",\"user_id\",\"created_at\"],\"strings\":[");
    private static final byte[] ROWS = ascii("],\"rows\":[");
    // a batch of unusual variety should not pin its table for the life of the application
    private static final int MAX_RETAINED_STRINGS = 64 * 1024;

    private byte[] bytes;
    private int length;

    // the compact form's texts, each once, and their indexes: the tables are reused from batch to
    // batch, emptied after each so that no record's text outlives its batch
    private Map<String, Integer> indexes = new HashMap<>();
    private List<String> strings = new ArrayList<>();

    // "uuuu-MM-ddTHH:mm:ss." of the last second formatted: records of a batch mostly share it
    private final byte[] secondPrefix = new byte[20];
    private long prefixSecond = Long.MIN_VALUE;

    BatchJson() {
        this(INITIAL_CAPACITY);
    }

    private BatchJson(int capacity) {
        this.bytes = new byte[capacity];
    }

    /** Milliseconds with three decimals, never in exponent notation; negative is 0. */
    static String formatMilliseconds(long micros) {
        BatchJson json = new BatchJson(32);
        json.milliseconds(micros);
        return json.text();
    }

    /** RFC 3339 UTC with milliseconds, such as {@code 2026-11-26T08:15:30.123Z}. */
    static String formatCreatedAt(long epochMillis) {
        BatchJson json = new BatchJson(32);
        json.createdAt(epochMillis);
        return json.text();
    }

    private static long[] powersOfTen() {
        long[] powers = new long[19];
        powers[0] = 1;
        for (int i = 1; i < powers.length; i++) {
            powers[i] = powers[i - 1] * 10;
        }
        return powers;
    }

    private static byte[] digitPairs() {
        byte[] pairs = new byte[200];
        for (int i = 0; i < 100; i++) {
            pairs[2 * i] = (byte) ('0' + i / 10);
            pairs[2 * i + 1] = (byte) ('0' + i % 10);
        }
        return pairs;
    }

    private String text() {
        return new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Replaces the buffer's content with one batch. */
    void write(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records) {
        start();
        put(API_KEY);
        string(apiKey);
        put(FRAMEWORK);
        string(framework);
        put(PRIVACY_LEVEL);
        number(privacyLevel.level());
        put(REQUESTS);
        for (int i = 0, n = records.size(); i < n; i++) {
            if (i > 0) {
                put((byte) ',');
            }
            record(records.get(i));
        }
        put((byte) ']');
        put((byte) '}');
    }

    /**
     * Replaces the buffer's content with one batch in the compact form our collector reads: the
     * column names once, each distinct text once in {@code strings}, and a row per record as an
     * array whose texts are indexes into {@code strings}. Repeated hostnames, user agents, routes
     * and paths then cost a few digits a record instead of their length, so the body is about a
     * quarter of the JSON's size before gzip, and gzip, most of the uploader's work, has that much
     * less to do.
     * {@code rows} is a scratch buffer for the rows, which must follow the strings they name.
     */
    void writeCompact(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records, BatchJson rows) {
        try {
            writeCompactTables(apiKey, framework, privacyLevel, records, rows);
        } finally {
            forgetStrings(); // also after a failure: the encoder is used again for the next batch
        }
    }

    private void writeCompactTables(String apiKey, String framework, PrivacyLevel privacyLevel, List<RequestRecord> records,
            BatchJson rows) {
        rows.start();
        for (int i = 0, n = records.size(); i < n; i++) {
            if (i > 0) {
                rows.put((byte) ',');
            }
            rows.compactRecord(records.get(i), this);
        }
        start();
        put(API_KEY);
        string(apiKey);
        put(FRAMEWORK);
        string(framework);
        put(PRIVACY_LEVEL);
        number(privacyLevel.level());
        put(COLUMNS);
        for (int i = 0, n = strings.size(); i < n; i++) {
            if (i > 0) {
                put((byte) ',');
            }
            string(strings.get(i));
        }
        put(ROWS);
        ensure(rows.length + 2);
        System.arraycopy(rows.bytes, 0, bytes, length, rows.length);
        length += rows.length;
        put((byte) ']');
        put((byte) '}');
    }

    private void forgetStrings() {
        if (strings.size() > MAX_RETAINED_STRINGS) {
            indexes = new HashMap<>();
            strings = new ArrayList<>();
        } else {
            indexes.clear();
            strings.clear();
        }
    }

    private void start() {
        if (bytes.length > MAX_RETAINED_CAPACITY) {
            bytes = new byte[INITIAL_CAPACITY];
        }
        length = 0;
    }

    /** One record in the columns' order; {@code table} keeps the texts. */
    private void compactRecord(RequestRecord record, BatchJson table) {
        put((byte) '[');
        reference(record.hostname(), table);
        put((byte) ',');
        reference(record.ipAddress(), table);
        put((byte) ',');
        reference(record.path(), table);
        put((byte) ',');
        reference(record.route(), table);
        put((byte) ',');
        reference(record.userAgent(), table);
        put((byte) ',');
        reference(record.method(), table);
        put((byte) ',');
        number(record.status());
        put((byte) ',');
        milliseconds(record.responseTimeMicros());
        put((byte) ',');
        reference(record.userId(), table);
        put((byte) ',');
        number(record.createdAtEpochMillis());
        put((byte) ']');
    }

    /** The text's index in {@code table}'s strings, added on first sight; {@code null} stays null. */
    private void reference(String text, BatchJson table) {
        if (text == null) {
            put(NULL);
            return;
        }
        Integer index = table.indexes.get(text);
        if (index == null) {
            index = table.strings.size();
            table.indexes.put(text, index);
            table.strings.add(text);
        }
        number(index);
    }

    /** The buffer; valid up to {@link #length()}, until the next write. */
    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void record(RequestRecord record) {
        put(HOSTNAME);
        string(record.hostname());
        put(IP_ADDRESS);
        string(record.ipAddress());
        put(PATH);
        string(record.path());
        put(USER_AGENT);
        string(record.userAgent());
        put(METHOD);
        string(record.method());
        put(STATUS);
        number(record.status());
        put(RESPONSE_TIME);
        milliseconds(record.responseTimeMicros());
        put(USER_ID);
        string(record.userId());
        put(CREATED_AT);
        createdAt(record.createdAtEpochMillis());
        put((byte) '"');
        if (record.route() != null) {
            put(ROUTE);
            string(record.route());
        }
        put((byte) '}');
    }

    /** Whole milliseconds, a point, three digits: 153 µs is {@code 0.153}. */
    private void milliseconds(long micros) {
        if (micros < 0) {
            micros = 0;
        }
        number(micros / 1000);
        int fraction = (int) (micros % 1000);
        ensure(4);
        bytes[length++] = '.';
        bytes[length++] = (byte) ('0' + fraction / 100);
        bytes[length++] = (byte) ('0' + fraction / 10 % 10);
        bytes[length++] = (byte) ('0' + fraction % 10);
    }

    /** RFC 3339 UTC with milliseconds, without quotes; the second's prefix is reused within a batch. */
    private void createdAt(long epochMillis) {
        if (epochMillis < FIRST_FOUR_DIGIT_MILLIS || epochMillis > LAST_FOUR_DIGIT_MILLIS) {
            asciiText(FIVE_DIGIT_YEARS.format(Instant.ofEpochMilli(epochMillis))); // a five-digit or negative year: never in practice
            return;
        }
        long second = Math.floorDiv(epochMillis, 1000L);
        if (second != prefixSecond) {
            formatSecond(second);
            prefixSecond = second;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        ensure(24);
        System.arraycopy(secondPrefix, 0, bytes, length, 20);
        length += 20;
        bytes[length++] = (byte) ('0' + millis / 100);
        bytes[length++] = (byte) ('0' + millis / 10 % 10);
        bytes[length++] = (byte) ('0' + millis % 10);
        bytes[length++] = 'Z';
    }

    private void formatSecond(long epochSecond) {
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        byte[] p = secondPrefix;
        int year = date.getYear();
        p[0] = digit(year / 1000);
        p[1] = digit(year / 100 % 10);
        p[2] = digit(year / 10 % 10);
        p[3] = digit(year % 10);
        p[4] = '-';
        twoDigits(p, 5, date.getMonthValue());
        p[7] = '-';
        twoDigits(p, 8, date.getDayOfMonth());
        p[10] = 'T';
        twoDigits(p, 11, secondOfDay / 3600);
        p[13] = ':';
        twoDigits(p, 14, secondOfDay / 60 % 60);
        p[16] = ':';
        twoDigits(p, 17, secondOfDay % 60);
        p[19] = '.';
    }

    private static void twoDigits(byte[] target, int at, int value) {
        target[at] = digit(value / 10);
        target[at + 1] = digit(value % 10);
    }

    private static byte digit(int value) {
        return (byte) ('0' + value);
    }

    private void number(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                asciiText(Long.toString(value));
                return;
            }
            put((byte) '-');
            value = -value;
        }
        // the digits counted by comparison and written two at a time: a 13-digit time stamp in
        // every record took 26 divisions, now 6
        int digits = 1;
        while (digits < POWERS_OF_TEN.length && value >= POWERS_OF_TEN[digits]) {
            digits++;
        }
        ensure(digits);
        int at = length + digits;
        length = at;
        while (value >= 100) {
            int pair = (int) (value % 100) << 1;
            value /= 100;
            bytes[--at] = DIGIT_PAIRS[pair + 1];
            bytes[--at] = DIGIT_PAIRS[pair];
        }
        if (value >= 10) {
            int pair = (int) value << 1;
            bytes[--at] = DIGIT_PAIRS[pair + 1];
            bytes[--at] = DIGIT_PAIRS[pair];
        } else {
            bytes[--at] = (byte) ('0' + value);
        }
    }

    /**
     * A JSON string as gson writes it: {@code "} and {@code \} escaped, control characters as
     * short escapes or {@code \}{@code u00xx}, U+2028 and U+2029 escaped, everything else as UTF-8
     * (an unpaired surrogate becomes {@code ?}, as {@code String.getBytes} does).
     */
    private void string(String value) {
        if (value == null) {
            put(NULL);
            return;
        }
        int n = value.length();
        ensure(n + 2);
        bytes[length++] = '"';
        int i = 0;
        // the common case: printable ASCII that needs no escape
        for (; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            bytes[length++] = (byte) c;
        }
        for (; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                asciiChar(c);
            } else if (c < 0x800) {
                ensure(2);
                bytes[length++] = (byte) (0xc0 | c >> 6);
                bytes[length++] = (byte) (0x80 | c & 0x3f);
            } else if (c == '\u2028' || c == '\u2029') {
                escapeUnicode(c);
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    int codePoint = Character.toCodePoint(c, value.charAt(++i));
                    ensure(4);
                    bytes[length++] = (byte) (0xf0 | codePoint >> 18);
                    bytes[length++] = (byte) (0x80 | codePoint >> 12 & 0x3f);
                    bytes[length++] = (byte) (0x80 | codePoint >> 6 & 0x3f);
                    bytes[length++] = (byte) (0x80 | codePoint & 0x3f);
                } else {
                    put((byte) '?');
                }
            } else {
                ensure(3);
                bytes[length++] = (byte) (0xe0 | c >> 12);
                bytes[length++] = (byte) (0x80 | c >> 6 & 0x3f);
                bytes[length++] = (byte) (0x80 | c & 0x3f);
            }
        }
        put((byte) '"');
    }

    private void asciiChar(char c) {
        switch (c) {
            case '"' -> escape('"');
            case '\\' -> escape('\\');
            case '\t' -> escape('t');
            case '\b' -> escape('b');
            case '\n' -> escape('n');
            case '\r' -> escape('r');
            case '\f' -> escape('f');
            default -> {
                if (c < 0x20) {
                    escapeUnicode(c);
                } else {
                    put((byte) c);
                }
            }
        }
    }

    private void escape(char c) {
        ensure(2);
        bytes[length++] = '\\';
        bytes[length++] = (byte) c;
    }

    private void escapeUnicode(char c) {
        ensure(6);
        bytes[length++] = '\\';
        bytes[length++] = 'u';
        bytes[length++] = HEX[c >> 12 & 0xf];
        bytes[length++] = HEX[c >> 8 & 0xf];
        bytes[length++] = HEX[c >> 4 & 0xf];
        bytes[length++] = HEX[c & 0xf];
    }

    private void asciiText(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    private void put(byte value) {
        ensure(1);
        bytes[length++] = value;
    }

    private void put(byte[] constant) {
        ensure(constant.length);
        System.arraycopy(constant, 0, bytes, length, constant.length);
        length += constant.length;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
