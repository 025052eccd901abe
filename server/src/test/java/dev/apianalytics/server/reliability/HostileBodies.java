package dev.apianalytics.server.reliability;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The ingestion corpus: bodies a broken or malicious client could post. Each knows how many
 * rows it carries when that is well defined ({@code rows}), and how many of them are certainly
 * valid ({@code validRows}, all tagged with {@code tag} as user id), so the test can check the
 * answer's counts and find those rows again.
 */
final class HostileBodies {

    /** One generated post. */
    record Body(String kind, byte[] bytes, List<String> headers, int rows, int validRows, String tag) {
        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.ISO_8859_1);
            return kind + " (" + bytes.length + " bytes, rows " + rows + ", valid " + validRows + ", headers " + headers
                    + "): " + text;
        }
    }

    /** The limits the test server runs with: small, so that crossing them is cheap. */
    static final long MAX_BODY_BYTES = 1024 * 1024;
    static final long MAX_DECOMPRESSED_BYTES = 4L * 1024 * 1024;
    static final int MAX_ROWS = 2_000;

    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    private static final byte[] GZIP_BOMB = gzip(new byte[64 * 1024 * 1024]);
    private static final byte[] JSON_GZIP_BOMB;

    static {
        byte[] spaces = new byte[32 * 1024 * 1024];
        java.util.Arrays.fill(spaces, (byte) ' ');
        spaces[0] = '{';
        spaces[spaces.length - 1] = '}';
        JSON_GZIP_BOMB = gzip(spaces);
    }

    private final String apiKey;

    HostileBodies(String apiKey) {
        this.apiKey = apiKey;
    }

    Arbitrary<Body> all() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, randomBytes()),
                net.jqwik.api.Tuple.of(2, truncatedJson()),
                net.jqwik.api.Tuple.of(3, deeplyNested()),
                net.jqwik.api.Tuple.of(4, wrongEnvelope()),
                net.jqwik.api.Tuple.of(10, mixedBatch()),
                net.jqwik.api.Tuple.of(4, mixedCompactBatch()),
                net.jqwik.api.Tuple.of(3, invalidUtf8Batch()),
                net.jqwik.api.Tuple.of(2, compressionTricks()),
                net.jqwik.api.Tuple.of(2, sizeExtremes()),
                net.jqwik.api.Tuple.of(2, foreignKeys()));
    }

    Arbitrary<Body> randomBytes() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(4_000), encodingHeaders())
                .as((bytes, headers) -> new Body("random bytes", bytes, headers, -1, 0, null));
    }

    Arbitrary<Body> truncatedJson() {
        return Combinators.combine(mixedBatch(), Arbitraries.doubles().between(0, 1))
                .as((body, fraction) -> {
                    int cut = (int) (body.bytes().length * fraction);
                    cut = Math.min(cut, body.bytes().length - 1);
                    return new Body("truncated JSON", java.util.Arrays.copyOf(body.bytes(), cut), List.of(), -1, 0, null);
                });
    }

    Arbitrary<Body> deeplyNested() {
        Arbitrary<Integer> depth = Arbitraries.oneOf(Arbitraries.integers().between(1, 200),
                Arbitraries.integers().between(1_000, 200_000));
        Arbitrary<String> opener = Arbitraries.of("[", "{\"a\":", "{\"requests\":", "[{\"path\":");
        return Combinators.combine(depth, opener, Arbitraries.of(true, false), Arbitraries.of("envelope", "row", "bare"))
                .as((n, open, closed, where) -> {
                    String nest = open.repeat(n) + "1" + (closed ? closer(open).repeat(n) : "");
                    String text = switch (where) {
                        case "envelope" -> "{\"api_key\":\"" + apiKey + "\",\"framework\":" + nest + ",\"requests\":[]}";
                        case "row" -> "{\"api_key\":\"" + apiKey + "\",\"framework\":\"Javalin\",\"requests\":[{\"path\":"
                                + nest + ",\"method\":\"GET\",\"status\":200,\"response_time\":1}]}";
                        default -> nest;
                    };
                    return new Body("nested " + where + " depth " + n, utf8(text), List.of(), -1, 0, null);
                });
    }

    private static String closer(String opener) {
        return switch (opener) {
            case "[" -> "]";
            case "[{\"path\":" -> "}]";
            default -> "}";
        };
    }

    /** Envelope fields of every wrong type and value. */
    Arbitrary<Body> wrongEnvelope() {
        Arbitrary<Object> key = Arbitraries.oneOf(Arbitraries.just(apiKey), hostileValue());
        Arbitrary<Object> framework = Arbitraries.oneOf(Arbitraries.of("Javalin", "FastAPI", "x".repeat(33), ""), hostileValue());
        Arbitrary<Object> privacy = Arbitraries.oneOf(Arbitraries.of(0, 1, 2, "1"), hostileValue());
        Arbitrary<Object> requests = Arbitraries.oneOf(Arbitraries.just(List.of(validRow("/x", "wrong-envelope"))), hostileValue());
        return Combinators.combine(key, framework, privacy, requests, Arbitraries.integers().between(0, 15))
                .as((k, f, p, r, omit) -> {
                    Map<String, Object> envelope = new LinkedHashMap<>();
                    if ((omit & 1) == 0) {
                        envelope.put("api_key", k);
                    }
                    if ((omit & 2) == 0) {
                        envelope.put("framework", f);
                    }
                    if ((omit & 4) == 0) {
                        envelope.put("privacy_level", p);
                    }
                    if ((omit & 8) == 0) {
                        envelope.put("requests", r);
                    }
                    return new Body("wrong envelope", utf8(GSON.toJson(envelope)), List.of(), -1, 0, null);
                });
    }

    /** A well-formed envelope whose rows mix certainly-valid rows (tagged) with hostile ones. */
    Arbitrary<Body> mixedBatch() {
        Arbitrary<Map<String, Object>> hostileRow = hostileRow();
        return Combinators.combine(Arbitraries.integers().between(0, 12), hostileRow.list().ofMaxSize(12),
                        Arbitraries.of(0, 1, 2), Arbitraries.of(true, false), Arbitraries.longs())
                .as((valid, hostile, privacy, gzip, seed) -> {
                    String tag = UUID.randomUUID().toString();
                    List<Object> rows = new ArrayList<>();
                    for (int i = 0; i < valid; i++) {
                        rows.add(validRow("/valid/" + i, tag));
                    }
                    java.util.Random random = new java.util.Random(seed);
                    for (Map<String, Object> row : hostile) {
                        rows.add(random.nextInt(rows.size() + 1), row);
                    }
                    Map<String, Object> envelope = new LinkedHashMap<>();
                    envelope.put("api_key", apiKey);
                    envelope.put("framework", "Javalin");
                    envelope.put("privacy_level", privacy);
                    envelope.put("requests", rows);
                    byte[] json = utf8(GSON.toJson(envelope));
                    return gzip
                            ? new Body("mixed batch, gzip", gzip(json), List.of("Content-Encoding", "gzip"), rows.size(), valid, tag)
                            : new Body("mixed batch", json, List.of(), rows.size(), valid, tag);
                });
    }

    /**
     * The same mix in the compact form our uploader sends once offered: texts by index or inline,
     * whole numbers in text columns written as text (so that they mean what they mean in
     * {@code requests}), and rows that name strings the batch does not have.
     */
    Arbitrary<Body> mixedCompactBatch() {
        return Combinators.combine(Arbitraries.integers().between(0, 12), hostileRow().list().ofMaxSize(12),
                        Arbitraries.integers().between(0, 3), Arbitraries.of(0, 1, 2), Arbitraries.of(true, false), Arbitraries.longs())
                .as((valid, hostile, dangling, privacy, gzip, seed) -> {
                    String tag = UUID.randomUUID().toString();
                    java.util.Random random = new java.util.Random(seed);
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (int i = 0; i < valid; i++) {
                        rows.add(validRow("/valid/" + i, tag));
                    }
                    for (Map<String, Object> row : hostile) {
                        rows.add(random.nextInt(rows.size() + 1), row);
                    }
                    List<String> strings = new ArrayList<>();
                    Map<String, Integer> indexes = new LinkedHashMap<>();
                    List<Object> arrays = new ArrayList<>();
                    for (Map<String, Object> row : rows) {
                        List<Object> values = new ArrayList<>();
                        for (String column : COMPACT_COLUMNS) {
                            Object value = row.get(column);
                            boolean text = !List.of("status", "response_time", "created_at", "privacy_level").contains(column);
                            if (text && (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger)) {
                                value = value.toString();
                            }
                            if (text && value instanceof String string && random.nextBoolean()) {
                                value = indexes.computeIfAbsent(string, key -> {
                                    strings.add(key);
                                    return strings.size() - 1;
                                });
                            }
                            values.add(value);
                        }
                        arrays.add(values);
                    }
                    for (int i = 0; i < dangling; i++) {
                        List<Object> values = new ArrayList<>();
                        for (String column : COMPACT_COLUMNS) {
                            values.add(validRow("/dangling", "hostile-row").get(column));
                        }
                        values.set(COMPACT_COLUMNS.indexOf("path"), strings.size() + random.nextInt(1_000));
                        arrays.add(random.nextInt(arrays.size() + 1), values);
                    }
                    Map<String, Object> envelope = new LinkedHashMap<>();
                    envelope.put("api_key", apiKey);
                    envelope.put("framework", "Javalin");
                    envelope.put("privacy_level", privacy);
                    envelope.put("columns", COMPACT_COLUMNS);
                    envelope.put("strings", strings);
                    envelope.put("rows", arrays);
                    byte[] json = utf8(GSON.toJson(envelope));
                    return gzip
                            ? new Body("mixed compact batch, gzip", gzip(json), List.of("Content-Encoding", "gzip"), arrays.size(), valid, tag)
                            : new Body("mixed compact batch", json, List.of(), arrays.size(), valid, tag);
                });
    }

    private static final List<String> COMPACT_COLUMNS = List.of("hostname", "ip_address", "path", "user_agent", "method",
            "status", "response_time", "user_id", "created_at", "route", "referrer", "privacy_level");

    /** Raw bytes that are not UTF-8 inside string values of an otherwise valid batch. */
    Arbitrary<Body> invalidUtf8Batch() {
        Arbitrary<byte[]> badBytes = Arbitraries.of(
                new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                // JSON escapes of invalid Unicode: lone and reversed surrogates, NUL, a broken escape
                utf8("\\ud800"), utf8("\\udfff\\ud800"), utf8("a\\ud83d"), utf8("\\u0000"), utf8("\\uZZZZ"),
                utf8("\\u202e"));
        Arbitrary<String> field = Arbitraries.of("path", "hostname", "user_agent", "framework", "method", "created_at",
                "ip_address", "route", "referrer");
        return Combinators.combine(badBytes, field).as((bad, name) -> {
            String tag = UUID.randomUUID().toString();
            String marker = "@@BAD@@";
            Map<String, Object> hostile = new LinkedHashMap<>(validRow("/bad-utf8", "other-" + tag));
            hostile.put(name, "x" + marker + "y");
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("api_key", apiKey);
            envelope.put("framework", name.equals("framework") ? "Jav" + marker + "alin" : "Javalin");
            envelope.put("requests", List.of(validRow("/utf8-ok", tag), hostile));
            byte[] json = utf8(GSON.toJson(envelope));
            return new Body("invalid UTF-8 in " + name + ": " + new String(bad, StandardCharsets.ISO_8859_1),
                    replace(json, utf8(marker), bad), List.of(), 2, 1, tag);
        });
    }

    /** Gzip bombs, broken gzip, gzip without the header, a header without gzip, unsupported encodings. */
    Arbitrary<Body> compressionTricks() {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("api_key", apiKey);
        envelope.put("framework", "Javalin");
        envelope.put("requests", List.of(validRow("/gz", "gzip-tricks")));
        byte[] json = utf8(GSON.toJson(envelope));
        byte[] zipped = gzip(json);
        return Arbitraries.of(
                new Body("gzip bomb of zeros", GZIP_BOMB, List.of("Content-Encoding", "gzip"), -1, 0, null),
                new Body("gzip bomb of zeros, undeclared", GZIP_BOMB, List.of(), -1, 0, null),
                new Body("gzip bomb of JSON whitespace", JSON_GZIP_BOMB, List.of("Content-Encoding", "gzip"), -1, 0, null),
                new Body("truncated gzip", java.util.Arrays.copyOf(zipped, zipped.length / 2), List.of("Content-Encoding", "gzip"), -1, 0, null),
                new Body("gzip magic only", new byte[] {0x1f, (byte) 0x8b}, List.of(), -1, 0, null),
                new Body("double gzip", gzip(zipped), List.of("Content-Encoding", "gzip"), -1, 0, null),
                new Body("gzip, undeclared", zipped, List.of(), 1, 0, null),
                new Body("declared gzip, plain body", json, List.of("Content-Encoding", "gzip"), 1, 0, null),
                new Body("brotli declared", json, List.of("Content-Encoding", "br"), -1, 0, null),
                new Body("deflate declared", json, List.of("Content-Encoding", "deflate"), -1, 0, null),
                new Body("stacked encodings", zipped, List.of("Content-Encoding", "gzip, gzip"), -1, 0, null),
                new Body("garbage encoding", json, List.of("Content-Encoding", "\u00ff\u00fe;q=2"), -1, 0, null),
                new Body("x-gzip", zipped, List.of("Content-Encoding", "x-gzip"), 1, 0, null),
                new Body("text/plain content type", json, List.of("Content-Type", "text/plain"), 1, 0, null),
                new Body("multipart content type", json, List.of("Content-Type", "multipart/form-data; boundary=x"), 1, 0, null));
    }

    /** Empty, tiny and enormous batches, and bodies past the size caps. */
    Arbitrary<Body> sizeExtremes() {
        return Arbitraries.of("empty body", "empty object", "empty batch", "null batch", "just under row cap",
                "over row cap", "over body cap", "huge number literal", "huge string", "huge string under an unknown key",
                "huge field name", "many envelope fields", "crowded row").map(kind -> {
            String tag = UUID.randomUUID().toString();
            return switch (kind) {
                case "empty body" -> new Body(kind, new byte[0], List.of(), -1, 0, null);
                case "empty object" -> new Body(kind, utf8("{}"), List.of(), -1, 0, null);
                case "empty batch" -> new Body(kind, envelope(List.of()), List.of(), -1, 0, null);
                case "null batch" -> new Body(kind, utf8("{\"api_key\":\"" + apiKey + "\",\"framework\":\"Go\",\"requests\":null}"),
                        List.of(), -1, 0, null);
                case "just under row cap" -> new Body(kind, envelope(rows(MAX_ROWS, tag)), List.of(), MAX_ROWS, MAX_ROWS, tag);
                case "over row cap" -> new Body(kind, envelope(rows(MAX_ROWS + 1, tag)), List.of(), -1, 0, null);
                case "over body cap" -> {
                    byte[] bytes = envelope(List.of(validRow("/" + "a".repeat((int) MAX_BODY_BYTES), tag)));
                    yield new Body(kind, bytes, List.of(), -1, 0, null);
                }
                case "huge number literal" -> new Body(kind, utf8("{\"api_key\":\"" + apiKey
                        + "\",\"framework\":\"Go\",\"privacy_level\":" + "9".repeat(500_000) + ",\"requests\":[]}"), List.of(), -1, 0, null);
                case "huge string under an unknown key" -> new Body(kind, utf8("{\"api_key\":\"" + apiKey
                        + "\",\"framework\":\"Go\",\"extra\":\"" + "x".repeat(1_000_000) + "\",\"requests\":[]}"), List.of(), -1, 0, null);
                case "huge field name" -> new Body(kind, utf8("{\"" + "n".repeat(100_000) + "\":1}"), List.of(), -1, 0, null);
                case "many envelope fields" -> {
                    var fields = new StringBuilder("{\"api_key\":\"" + apiKey + "\",\"framework\":\"Go\",\"requests\":[]");
                    for (int i = 0; i < 100_000; i++) {
                        fields.append(",\"f").append(i).append("\":0");
                    }
                    yield new Body(kind, utf8(fields.append('}').toString()), List.of(), -1, 0, null);
                }
                case "crowded row" -> {
                    Map<String, Object> crowded = new LinkedHashMap<>(validRow("/crowded", "crowded-" + tag));
                    for (int i = 0; i < 1_000; i++) {
                        crowded.put("f" + i, i);
                    }
                    yield new Body(kind, envelope(List.of(validRow("/uncrowded", tag), crowded)), List.of(), 2, 1, tag);
                }
                default -> {
                    Map<String, Object> row = new LinkedHashMap<>(validRow("/huge", "huge-" + tag));
                    row.put("user_agent", "\uD83D\uDE00".repeat(200_000));
                    yield new Body(kind, envelope(List.of(row)), List.of(), 1, 0, null);
                }
            };
        });
    }

    /** A valid batch under someone else's, a malformed or no key: nothing may be stored. */
    Arbitrary<Body> foreignKeys() {
        return Arbitraries.of(UUID.randomUUID().toString(), apiKey.toUpperCase(java.util.Locale.ROOT), " " + apiKey + " ",
                        "{" + apiKey + "}", apiKey.replace("-", ""), apiKey + "0", "' OR '1'='1", "", "null",
                        apiKey.substring(0, 35) + "\u00e9")
                .map(key -> {
                    Map<String, Object> envelope = new LinkedHashMap<>();
                    envelope.put("api_key", key);
                    envelope.put("framework", "Javalin");
                    envelope.put("requests", List.of(validRow("/foreign", "foreign")));
                    // some spellings of our own key are accepted: the rows then count like any other
                    return new Body("key " + key, utf8(GSON.toJson(envelope)), List.of(), 1, 0, null);
                });
    }

    private static Arbitrary<List<String>> encodingHeaders() {
        return Arbitraries.of(List.of(), List.of("Content-Encoding", "gzip"), List.of("Content-Type", "application/octet-stream"));
    }

    /** A row with some fields replaced by hostile values or removed. */
    private Arbitrary<Map<String, Object>> hostileRow() {
        List<String> fields = List.of("hostname", "ip_address", "path", "user_agent", "method", "status", "response_time",
                "user_id", "created_at", "route", "referrer", "privacy_level");
        Arbitrary<Object> anything = Arbitraries.oneOf(hostileValue(), fieldValue());
        return Combinators.combine(Arbitraries.of(fields).set().ofMinSize(1).ofMaxSize(6), anything.list().ofSize(6),
                        Arbitraries.of(true, false))
                .as((replaced, values, remove) -> {
                    Map<String, Object> row = new LinkedHashMap<>(validRow("/hostile", "hostile-row"));
                    int i = 0;
                    for (String field : replaced) {
                        if (remove && i == 0) {
                            row.remove(field);
                        } else {
                            row.put(field, values.get(i));
                        }
                        i++;
                    }
                    return row;
                });
    }

    /** Values that are wrong for the field they land in, but plausible somewhere. */
    private static Arbitrary<Object> fieldValue() {
        Instant now = Instant.now();
        return Arbitraries.of(
                "2026-02-30T10:00:00Z", "2026-13-01T00:00:00Z", "9999-12-31T23:59:59Z", "+999999999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "0000-00-00",
                now.plus(2, ChronoUnit.DAYS).toString(), now.toString(), "2026-11-26T09:15:30+01:00", "2026-11-26T08:15:30.123456",
                "2026-11-26T08:15:30.123456789123456789Z", "yesterday", "1e20", "-1", "1.5e308",
                "GET", "get", "BREW", "G E T", "TOOLONGMETHODNAMEXXXX", "ĜET",
                "203.0.113.7", "::1", "999.999.999.999", "not-an-ip", "fe80::1%eth0", "::ffff:1.2.3.4",
                "/users/42?token=secret#frag", "?", "#", "", "   ", "\u0000", "/\u0000/x",
                "'; DROP TABLE requests; --", "\" OR 1=1 --", "Robert'); DROP TABLE api_keys;--", "$$; SELECT pg_sleep(10); $$",
                "\\", "\\N", "\",\"", "a\nb\r\nc", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&amp;&#0;",
                "%00%ff", "${jndi:ldap://x/a}", "{{7*7}}", "\uD800", "\uDFFF\uD800", "a\uD83D", "\uFFFE\uFFFF", "\u202Eevil",
                "\uD83D\uDE00\uD83D\uDE00", "日本語", -1, 0, -0.0, 99, 1000, 100_000, 3_000_000_000L, -9_223_372_036_854_775_808L,
                Long.MAX_VALUE, 1e308, -1e308, 4.9e-324, 0.1, 604_800_000.0, 604_800_001.0, 32_768, 1_700_000_000,
                1_700_000_000_000L, true, false);
    }

    /** Values that are wrong almost anywhere. */
    private static Arbitrary<Object> hostileValue() {
        Arbitrary<Object> strings = Arbitraries.strings().all().ofMaxLength(300).map(s -> (Object) s);
        Arbitrary<Object> huge = Arbitraries.integers().between(1, 100_000)
                .map(n -> (Object) "\u00e9x<'\"".repeat(Math.max(1, n / 5)));
        Arbitrary<Object> numbers = Arbitraries.oneOf(
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(400)), new java.math.BigInteger("1" + "0".repeat(400))),
                Arbitraries.doubles(), Arbitraries.longs()).map(n -> (Object) n);
        Arbitrary<Object> structures = Arbitraries.of(List.of(), List.of(1, 2), Map.of(), Map.of("a", List.of(Map.of())))
                .map(o -> (Object) o);
        return Arbitraries.oneOf(strings, huge, numbers, structures, Arbitraries.just(null));
    }

    Map<String, Object> validRow(String path, String userId) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("hostname", "api.example.com");
        row.put("ip_address", "203.0.113.7");
        row.put("path", path);
        row.put("user_agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0");
        row.put("method", "GET");
        row.put("status", 200);
        row.put("response_time", 1.25);
        row.put("user_id", userId);
        row.put("created_at", Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS).toString());
        return row;
    }

    private List<Object> rows(int count, String tag) {
        List<Object> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(validRow("/bulk/" + i, tag));
        }
        return rows;
    }

    private byte[] envelope(List<Object> rows) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("api_key", apiKey);
        envelope.put("framework", "Javalin");
        envelope.put("requests", rows);
        return utf8(GSON.toJson(envelope));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] raw) {
        var out = new ByteArrayOutputStream();
        try (var zip = new GZIPOutputStream(out, 64 * 1024)) {
            zip.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] replace(byte[] haystack, byte[] needle, byte[] replacement) {
        var out = new ByteArrayOutputStream();
        int i = 0;
        while (i < haystack.length) {
            boolean match = i + needle.length <= haystack.length;
            for (int j = 0; match && j < needle.length; j++) {
                match = haystack[i + j] == needle[j];
            }
            if (match) {
                out.writeBytes(replacement);
                i += needle.length;
            } else {
                out.write(haystack[i++]);
            }
        }
        return out.toByteArray();
    }
}
