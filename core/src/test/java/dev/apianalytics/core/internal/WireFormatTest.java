package dev.apianalytics.core.internal;

import dev.apianalytics.core.PrivacyLevel;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    /** The JDK's formatting, as an independent check of the hand-written one. */
    private static final DateTimeFormatter JDK_CREATED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final long CREATED_AT = Instant.parse("2026-11-26T08:15:30.123Z").toEpochMilli();

    @Test
    void aBatchIsWrittenExactlyAsTheProtocolSays() throws Exception {
        List<RequestRecord> records = List.of(
                new RequestRecord("api.example.com", "203.0.113.7", "/users/42", "/users/{id}",
                        "Mozilla/5.0 (X11; Linux x86_64)", "GET", 200, 153, null, CREATED_AT),
                new RequestRecord("api.example.com", null, "/orders", null, "", "POST", 201,
                        1_234_567, "user-7", CREATED_AT + 1),
                new RequestRecord("", "2001:db8::1", "/caf\u00e9 \"quoted\"", null, "curl/8.5.0", "DELETE", 500,
                        0, "", CREATED_AT + 60_000));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.write(out, "3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP, records);

        String golden = "{\"api_key\":\"3f1c6b2a-0000-4000-8000-000000000001\",\"framework\":\"Javalin\","
                + "\"privacy_level\":0,\"requests\":["
                + "{\"hostname\":\"api.example.com\",\"ip_address\":\"203.0.113.7\",\"path\":\"/users/42\","
                + "\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"method\":\"GET\",\"status\":200,"
                + "\"response_time\":0.153,\"user_id\":null,\"created_at\":\"2026-11-26T08:15:30.123Z\","
                + "\"route\":\"/users/{id}\"},"
                + "{\"hostname\":\"api.example.com\",\"ip_address\":null,\"path\":\"/orders\",\"user_agent\":\"\","
                + "\"method\":\"POST\",\"status\":201,\"response_time\":1234.567,\"user_id\":\"user-7\","
                + "\"created_at\":\"2026-11-26T08:15:30.124Z\"},"
                + "{\"hostname\":\"\",\"ip_address\":\"2001:db8::1\",\"path\":\"/caf\u00e9 \\\"quoted\\\"\","
                + "\"user_agent\":\"curl/8.5.0\",\"method\":\"DELETE\",\"status\":500,\"response_time\":0.000,"
                + "\"user_id\":\"\",\"created_at\":\"2026-11-26T08:16:30.123Z\"}]}";
        assertThat(out.toByteArray()).isEqualTo(golden.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyNumberIsWrittenInFullWhateverItsNumberOfDigits() {
        List<Long> values = new java.util.ArrayList<>(List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L));
        for (long power = 1; power > 0 && power <= Long.MAX_VALUE / 10; power *= 10) {
            values.addAll(List.of(power - 1, power, power + 1, 10 * power - 1, -power, -(power - 1)));
        }
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < 2_000; i++) {
            values.add(random.nextLong() >>> random.nextInt(64));
        }
        List<RequestRecord> records = values.stream()
                .map(value -> new RequestRecord("h", null, "/", null, "", "GET", (int) (long) value, Math.abs(value % 100_000_000),
                        null, value))
                .toList();

        JsonArray rows = JsonParser.parseString(WireFormat.toCompactJson("key", "Javalin", PrivacyLevel.STORE_IP, records))
                .getAsJsonObject().getAsJsonArray("rows");

        for (int i = 0; i < values.size(); i++) {
            long value = values.get(i);
            JsonArray row = rows.get(i).getAsJsonArray();
            assertThat(row.get(6).getAsJsonPrimitive().getAsBigDecimal().toPlainString()).isEqualTo(Integer.toString((int) value));
            assertThat(row.get(9).getAsJsonPrimitive().getAsBigDecimal().toPlainString()).isEqualTo(Long.toString(value));
            long micros = Math.abs(value % 100_000_000);
            assertThat(BatchJson.formatMilliseconds(micros)).isEqualTo(micros / 1000 + "." + String.format("%03d", micros % 1000));
        }
    }

    @Test
    void theCompactFormNamesTheColumnsOnceAndEachTextOnce() {
        List<RequestRecord> records = List.of(
                new RequestRecord("api.example.com", "203.0.113.7", "/users/42", "/users/{id}", "curl/8.5.0", "GET", 200,
                        153, null, CREATED_AT),
                new RequestRecord("api.example.com", null, "/users/7", "/users/{id}", "curl/8.5.0", "POST", 201,
                        1_234_567, "user-7", CREATED_AT + 1));

        String compact = WireFormat.toCompactJson("3f1c6b2a-0000-4000-8000-000000000001", "Javalin", PrivacyLevel.STORE_IP,
                records);

        assertThat(compact).isEqualTo("{\"api_key\":\"3f1c6b2a-0000-4000-8000-000000000001\",\"framework\":\"Javalin\","
                + "\"privacy_level\":0,\"columns\":[\"hostname\",\"ip_address\",\"path\",\"route\",\"user_agent\","
                + "\"method\",\"status\",\"response_time\",\"user_id\",\"created_at\"],"
                + "\"strings\":[\"api.example.com\",\"203.0.113.7\",\"/users/42\",\"/users/{id}\",\"curl/8.5.0\",\"GET\","
                + "\"/users/7\",\"POST\",\"user-7\"],"
                + "\"rows\":[[0,1,2,3,4,5,200,0.153,null,1795680930123],[0,null,6,3,4,7,201,1234.567,8,1795680930124]]}");
    }

    @Test
    void theCompactFormCarriesExactlyTheRecordsOfTheJson() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        try (WireFormat.Encoder gzipped = new WireFormat.Encoder(true)) {
            for (int round = 0; round < 40; round++) {
                List<RequestRecord> records = randomRecords(random, 1 + random.nextInt(round < 5 ? 3 : 2_000));
                PrivacyLevel level = PrivacyLevel.values()[random.nextInt(PrivacyLevel.values().length)];
                JsonObject json = JsonParser.parseString(WireFormat.toJson("key", "Javalin", level, records)).getAsJsonObject();
                byte[] body = gzipped.encodeCompact("key", "Javalin", level, records);
                JsonObject compact;
                try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    compact = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
                }

                assertThat(compact.get("privacy_level")).isEqualTo(json.get("privacy_level"));
                List<JsonObject> expected = new ArrayList<>();
                json.getAsJsonArray("requests").forEach(element -> expected.add(element.getAsJsonObject()));
                assertThat(TestCollector.compactRecords(compact)).isEqualTo(expected);
            }
        }
    }

    @Test
    void privacyLevelTwoWritesANullAddress() {
        String json = WireFormat.toJson("k", "Vert.x", PrivacyLevel.NO_IP, List.of(
                new RequestRecord("h", null, "/", null, "ua", "HEAD", 204, 42, null, CREATED_AT)));

        assertThat(json).isEqualTo("{\"api_key\":\"k\",\"framework\":\"Vert.x\",\"privacy_level\":2,\"requests\":["
                + "{\"hostname\":\"h\",\"ip_address\":null,\"path\":\"/\",\"user_agent\":\"ua\",\"method\":\"HEAD\","
                + "\"status\":204,\"response_time\":0.042,\"user_id\":null,\"created_at\":\"2026-11-26T08:15:30.123Z\"}]}");
    }

    @Test
    void theGzippedBodyIsTheSameJson() throws Exception {
        List<RequestRecord> records = List.of(
                new RequestRecord("h", "203.0.113.7", "/", "/", "ua", "GET", 200, 1, null, CREATED_AT));

        byte[] gzipped = WireFormat.encode("k", "Javalin", PrivacyLevel.STORE_IP, records, true);
        byte[] plain = WireFormat.encode("k", "Javalin", PrivacyLevel.STORE_IP, records, false);

        assertThat(new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes()).isEqualTo(plain);
        assertThat(new String(plain, StandardCharsets.UTF_8))
                .isEqualTo(WireFormat.toJson("k", "Javalin", PrivacyLevel.STORE_IP, records));
    }

    @Test
    void everyRecordOfABatchKeepsItsOwnCreationTime() {
        long[] times = {CREATED_AT, CREATED_AT + 1, CREATED_AT + 876, CREATED_AT + 877, CREATED_AT + 1_000,
            CREATED_AT + 86_400_000, -1, 0, 999, 1_000, 253_402_300_799_999L};
        List<RequestRecord> records = new ArrayList<>();
        for (long time : times) {
            records.add(new RequestRecord("h", null, "/", null, "", "GET", 200, 0, null, time));
        }

        JsonArray written = JsonParser.parseString(WireFormat.toJson("k", "Javalin", PrivacyLevel.STORE_IP, records))
                .getAsJsonObject().getAsJsonArray("requests");

        for (int i = 0; i < times.length; i++) {
            assertThat(written.get(i).getAsJsonObject().get("created_at").getAsString())
                    .isEqualTo(JDK_CREATED_AT.format(Instant.ofEpochMilli(times[i])));
        }
        assertThat(WireFormat.createdAt(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
        assertThat(WireFormat.createdAt(253_402_300_799_999L)).isEqualTo("9999-12-31T23:59:59.999Z");
    }

    @Test
    void nonAsciiAndControlCharactersSurviveTheTrip() throws Exception {
        RequestRecord record = new RequestRecord("h\u00f6st", null, "/\u65e5\u672c/\ud83d\ude00", null,
                "a\tb\u0001\"\\", "GET", 200, 0, null, CREATED_AT);
        byte[] gzipped = WireFormat.encode("k", "Javalin", PrivacyLevel.NO_IP, List.of(record), true);
        String json = new String(new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes(),
                StandardCharsets.UTF_8);

        JsonObject parsed = JsonParser.parseString(json)
                .getAsJsonObject().getAsJsonArray("requests").get(0).getAsJsonObject();
        assertThat(parsed.get("hostname").getAsString()).isEqualTo("h\u00f6st");
        assertThat(parsed.get("path").getAsString()).isEqualTo("/\u65e5\u672c/\ud83d\ude00");
        assertThat(parsed.get("user_agent").getAsString()).isEqualTo("a\tb\u0001\"\\");
    }

    @Test
    void responseTimesKeepMicrosecondsWithoutExponents() {
        assertThat(WireFormat.milliseconds(0)).isEqualTo("0.000");
        assertThat(WireFormat.milliseconds(7)).isEqualTo("0.007");
        assertThat(WireFormat.milliseconds(153)).isEqualTo("0.153");
        assertThat(WireFormat.milliseconds(3_000)).isEqualTo("3.000");
        assertThat(WireFormat.milliseconds(86_400_000_000L)).isEqualTo("86400000.000");
    }

    @Test
    void createdAtIsUtcWithMillisecondsAndZ() {
        assertThat(WireFormat.createdAt(CREATED_AT)).isEqualTo("2026-11-26T08:15:30.123Z");
        assertThat(WireFormat.createdAt(0)).isEqualTo("1970-01-01T00:00:00.000Z");
    }

    @Test
    void anEncoderReusedForManyBatchesWritesWhatGsonAndTheJdksGzipWrote() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        try (WireFormat.Encoder gzipped = new WireFormat.Encoder(true);
                WireFormat.Encoder plain = new WireFormat.Encoder(false)) {
            for (int round = 0; round < 40; round++) {
                List<RequestRecord> records = randomRecords(random, 1 + random.nextInt(round < 5 ? 3 : 2_000));
                String key = randomText(random, 40);
                String framework = randomText(random, 12);
                PrivacyLevel level = PrivacyLevel.values()[random.nextInt(PrivacyLevel.values().length)];
                byte[] json = GsonReference.json(key, framework, level, records);

                assertThat(plain.encode(key, framework, level, records)).isEqualTo(json);
                assertThat(WireFormat.toJson(key, framework, level, records).getBytes(StandardCharsets.UTF_8)).isEqualTo(json);
                assertThat(gzipped.encode(key, framework, level, records)).isEqualTo(jdkFastestGzip(json));
                assertThat(WireFormat.encode(key, framework, level, records, true)).isEqualTo(jdkFastestGzip(json));
            }
        }
    }

    @Test
    void createdAtIsFormattedLikeTheJdkFormatterAcrossTheFourDigitYears() {
        SplittableRandom random = new SplittableRandom(11);
        List<RequestRecord> records = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long time = i % 4 == 0 ? random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L)
                    : 1_790_000_000_000L + random.nextLong(-400L * 86_400_000, 400L * 86_400_000);
            times.add(time);
            records.add(new RequestRecord("h", null, "/", null, "", "GET", 200, 0, null, time));
        }
        // leap days, year ends and the edges of the fast path
        for (String instant : List.of("2024-02-29T23:59:59.999Z", "2100-03-01T00:00:00.000Z", "2000-02-29T12:00:00.500Z",
                "0000-01-01T00:00:00.000Z", "1969-12-31T23:59:59.000Z", "2026-12-31T23:59:59.999Z")) {
            long time = Instant.parse(instant).toEpochMilli();
            times.add(time);
            records.add(new RequestRecord("h", null, "/", null, "", "GET", 200, 0, null, time));
        }
        // outside the four-digit years: the formatter's own spelling
        for (long time : new long[] {253_402_300_800_000L, -62_167_219_200_001L}) {
            times.add(time);
            records.add(new RequestRecord("h", null, "/", null, "", "GET", 200, 0, null, time));
        }
        JsonArray written = JsonParser.parseString(WireFormat.toJson("k", "Javalin", PrivacyLevel.STORE_IP, records))
                .getAsJsonObject().getAsJsonArray("requests");
        for (int i = 0; i < times.size(); i++) {
            assertThat(written.get(i).getAsJsonObject().get("created_at").getAsString())
                    .isEqualTo(JDK_CREATED_AT.format(Instant.ofEpochMilli(times.get(i))));
        }
    }

    private static byte[] jdkFastestGzip(byte[] json) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write(json);
        }
        return bytes.toByteArray();
    }

    private static List<RequestRecord> randomRecords(SplittableRandom random, int count) {
        List<RequestRecord> records = new ArrayList<>(count);
        long time = 1_790_000_000_000L + random.nextLong(1_000_000_000L);
        for (int i = 0; i < count; i++) {
            time += random.nextInt(3) == 0 ? random.nextInt(2_000) : 0;
            records.add(new RequestRecord(
                    random.nextInt(10) == 0 ? null : randomText(random, 30),
                    random.nextInt(3) == 0 ? null : "203.0." + random.nextInt(256) + "." + random.nextInt(256),
                    randomText(random, 60),
                    random.nextBoolean() ? null : randomText(random, 20),
                    randomText(random, 120),
                    random.nextBoolean() ? "GET" : randomText(random, 7),
                    random.nextInt(100, 1000),
                    random.nextInt(20) == 0 ? -random.nextLong(1_000_000) : random.nextLong(10_000_000_000L),
                    random.nextInt(4) == 0 ? randomText(random, 16) : null,
                    time));
        }
        return records;
    }

    /** Mostly printable ASCII, with control characters, escapes, accents, CJK, emoji, U+2028 and lone surrogates. */
    private static String randomText(SplittableRandom random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            if (kind < 14) {
                text.append((char) random.nextInt(0x20, 0x7f));
            } else if (kind == 14) {
                text.append((char) random.nextInt(0, 0x20));
            } else if (kind == 15) {
                text.append("\"\\\u2028\u2029\u007f".charAt(random.nextInt(5)));
            } else if (kind == 16) {
                text.append((char) random.nextInt(0x80, 0x800));
            } else if (kind == 17) {
                text.append((char) random.nextInt(0x800, 0xd800));
            } else if (kind == 18) {
                text.appendCodePoint(random.nextInt(0x10000, 0x110000));
            } else {
                text.append((char) random.nextInt(0xd800, 0xe000)); // unpaired: written as '?'
            }
        }
        return text.toString();
    }

    /** How the wire format was written before it was hand-coded: gson's JsonWriter, then UTF-8. */
    private static final class GsonReference {
        static byte[] json(String apiKey, String framework, PrivacyLevel level, List<RequestRecord> records) throws Exception {
            java.io.StringWriter text = new java.io.StringWriter();
            com.google.gson.stream.JsonWriter json = new com.google.gson.stream.JsonWriter(text);
            json.setSerializeNulls(true);
            json.beginObject();
            json.name("api_key").value(apiKey);
            json.name("framework").value(framework);
            json.name("privacy_level").value(level.level());
            json.name("requests").beginArray();
            for (RequestRecord record : records) {
                json.beginObject();
                json.name("hostname").value(record.hostname());
                json.name("ip_address").value(record.ipAddress());
                json.name("path").value(record.path());
                json.name("user_agent").value(record.userAgent());
                json.name("method").value(record.method());
                json.name("status").value(record.status());
                json.name("response_time").jsonValue(WireFormat.milliseconds(record.responseTimeMicros()));
                json.name("user_id").value(record.userId());
                json.name("created_at").value(JDK_CREATED_AT.format(Instant.ofEpochMilli(record.createdAtEpochMillis())));
                if (record.route() != null) {
                    json.name("route").value(record.route());
                }
                json.endObject();
            }
            json.endArray();
            json.endObject();
            json.flush();
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
