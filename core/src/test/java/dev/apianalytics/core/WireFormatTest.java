package dev.apianalytics.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class WireFormatTest {

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
                    .isEqualTo(WireFormat.createdAt(times[i]));
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
}
