package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.apianalytics.core.PrivacyLevel;
import dev.apianalytics.core.internal.RequestRecord;
import dev.apianalytics.core.internal.WireFormat;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import dev.apianalytics.server.storage.StoredRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The wire protocol end to end over real HTTP against one collector per storage: what each
 * upstream client style and ours posts comes back through the data API as upstream scripts
 * expect it, and every error is the JSON answer the protocol promises.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CollectorProtocolTest {

    static final int PAGE_SIZE = 3;
    static final String CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    CollectorServer server;
    Http http;

    /** The storage under test. */
    abstract ServerConfig.Builder storage(ServerConfig.Builder builder) throws Exception;

    void cleanUp() {}

    @BeforeAll
    void start() throws Exception {
        server = CollectorServer.start(storage(ServerConfig.builder().port(0).bind("127.0.0.1")
                .geoDatabase(TestEnvironment.geoDatabase()).dataPageSize(PAGE_SIZE)).build());
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        cleanUp();
    }

    // ---- keys

    @Test
    void issuesRandomKeysByGetAndPostAndStoresOnlyTheirHash() throws Exception {
        String byGet = http.newKey();
        Http.Response byPost = http.post("/api/generate-api-key", "");
        assertThat(byPost.status()).isEqualTo(200);
        String posted = byPost.json().getAsString();

        for (String key : List.of(byGet, posted)) {
            UUID uuid = UUID.fromString(key);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(server.storage().findKey(ApiKeys.hash(key))).isPresent();
        }
        assertThat(byGet).isNotEqualTo(posted);
        try (Connection connection = server.storage().connection();
                PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM api_keys WHERE key_hash = ?")) {
            select.setString(1, byGet);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).as("the raw key is not in the database").isZero();
            }
        }
    }

    // ---- ingestion in every client style

    @Test
    void acceptsWhatEachUpstreamClientAndOursSendAndReturnsItInUpstreamShape() {
        String key = http.newKey();
        // Node/Express: query string in the path, IPv4-mapped IPv6 address, integer time, JS timestamp
        assertCreated(http.post("/api/log-request", """
                {"api_key":"%s","framework":"Express","privacy_level":0,"requests":[
                 {"hostname":"js.example.com","ip_address":"::ffff:8.8.8.8","path":"/users/1?expand=true",
                  "user_agent":"curl/8.5.0","method":"GET","status":200,"response_time":12,"user_id":null,
                  "created_at":"2025-03-01T08:15:30.123Z"}]}""".formatted(key)), 1, 0);
        // Go/Gin: offset timestamp, a time past int16, at the alias endpoint
        assertCreated(http.post("/api/requests", """
                {"api_key":"%s","framework":"Gin","privacy_level":0,"requests":[
                 {"hostname":"go.example.com","ip_address":"1.1.1.1","path":"/orders","user_agent":"%s",
                  "method":"POST","status":201,"response_time":40000,"user_id":"","created_at":"2025-03-01T09:15:31+01:00"}]}"""
                .formatted(key, GOOGLEBOT)), 1, 0);
        // Python/FastAPI: naive local time (read as UTC), no privacy_level, microseconds
        assertCreated(http.post("/api/log-request", """
                {"api_key":"%s","framework":"FastAPI","requests":[
                 {"hostname":"py.example.com","ip_address":"81.2.69.142","path":"/items/9","user_agent":"",
                  "method":"DELETE","status":404,"response_time":7,"user_id":"alice",
                  "created_at":"2025-03-01T08:15:32.123456"}]}""".formatted(key)), 1, 0);
        // ours: core's wire format, gzipped, with a route template and a decimal time
        long at = Instant.parse("2025-03-01T08:15:33.456Z").toEpochMilli();
        String ours = WireFormat.toJson(key, "Javalin", PrivacyLevel.STORE_IP, List.of(new RequestRecord("java.example.com",
                "133.242.0.3", "/users/42", "/users/{id}", CHROME_ON_WINDOWS, "PATCH", 204, 153, "u-7", at)));
        assertCreated(http.postGzip("/api/log-request", ours), 1, 0);

        Http.Response data = http.get("/api/data", "X-AUTH-TOKEN", key);
        assertThat(data.status()).isEqualTo(200);
        assertThat(data.header("X-Total-Count")).isEqualTo("4");
        JsonArray rows = data.json().getAsJsonArray();
        assertThat(rows).hasSize(3); // the page size of this test server
        JsonObject js = rows.get(0).getAsJsonObject();
        assertThat(List.copyOf(js.keySet())).containsExactly("hostname", "ip_address", "path", "user_agent", "method",
                "status", "response_time", "location", "user_id", "created_at");
        assertThat(js.get("hostname").getAsString()).isEqualTo("js.example.com");
        assertThat(js.get("ip_address").getAsString()).isEqualTo("8.8.8.8");
        assertThat(js.get("path").getAsString()).isEqualTo("/users/1");
        assertThat(js.get("method").getAsInt()).isZero();
        assertThat(js.get("status").getAsInt()).isEqualTo(200);
        assertThat(js.get("response_time").getAsDouble()).isEqualTo(12);
        assertThat(js.get("location").getAsString()).isEqualTo("US");
        assertThat(js.get("user_id").getAsString()).isEmpty();
        assertThat(js.get("created_at").getAsString()).isEqualTo("2025-03-01T08:15:30.123Z");

        JsonObject go = rows.get(1).getAsJsonObject();
        assertThat(go.get("created_at").getAsString()).isEqualTo("2025-03-01T08:15:31Z");
        assertThat(go.get("method").getAsInt()).isEqualTo(1);
        assertThat(go.get("response_time").getAsDouble()).isEqualTo(40000);
        assertThat(go.get("location").getAsString()).isEqualTo("AU");

        JsonObject py = rows.get(2).getAsJsonObject();
        assertThat(py.get("created_at").getAsString()).isEqualTo("2025-03-01T08:15:32.123456Z");
        assertThat(py.get("method").getAsInt()).isEqualTo(4);
        assertThat(py.get("user_agent").getAsString()).isEmpty();
        assertThat(py.get("user_id").getAsString()).isEqualTo("alice");
        assertThat(py.get("location").getAsString()).isEqualTo("GB");

        JsonObject java = http.get("/api/data?page=2", "X-AUTH-TOKEN", key).json().getAsJsonArray().get(0).getAsJsonObject();
        assertThat(java.get("method").getAsInt()).isEqualTo(3);
        assertThat(java.get("response_time").getAsDouble()).isEqualTo(0.153);
        assertThat(java.get("location").getAsString()).isEqualTo("JP");

        List<StoredRequest> stored = stored(key);
        StoredRequest javaRow = stored.get(3);
        assertThat(javaRow.route()).isEqualTo("/users/{id}");
        assertThat(javaRow.framework()).isEqualTo("Javalin");
        assertThat(javaRow.client()).isEqualTo("Chrome");
        assertThat(javaRow.os()).isEqualTo("Windows");
        assertThat(javaRow.device()).isEqualTo("desktop");
        assertThat(javaRow.bot()).isFalse();
        assertThat(stored.get(1).bot()).as("Googlebot").isTrue();
        assertThat(stored.get(0).client()).isEqualTo("curl");
        assertThat(stored.get(0).framework()).isEqualTo("Express");
        assertThat(stored.get(2).framework()).isEqualTo("FastAPI");
        assertThat(stored.get(1).userId()).as("an empty user id is no user id").isNull();
    }

    @Test
    void isLenientWithWhatClientsActuallySend() {
        String key = http.newKey();
        Http.Response response = http.post("/api/log-request", """
                {"api_key":"%s","framework":"My In-House Framework","privacy_level":"1","requests":[
                 {"path":"/day","method":"get","status":"200","response_time":86400000,"created_at":1740816930},
                 {"hostname":null,"ip_address":null,"path":"/ms","user_agent":null,"method":"GET","status":500,
                  "response_time":0.004,"created_at":1740816931250,"referrer":"https://ref.example/","route":"/ms"},
                 {"hostname":"","ip_address":"not-an-ip","path":"/space","user_agent":"","method":"HEAD","status":301,
                  "response_time":1.5,"user_id":42,"created_at":"2025-03-01 08:15:32"}
                ]}""".formatted(key));
        assertCreated(response, 3, 0);
        List<StoredRequest> stored = stored(key);
        assertThat(stored).extracting(StoredRequest::path).containsExactly("/day", "/ms", "/space");
        assertThat(stored.get(0).method()).isEqualTo("GET");
        assertThat(stored.get(0).responseTimeMs()).isEqualTo(86_400_000.0);
        assertThat(stored.get(0).createdAt()).isEqualTo(Instant.parse("2025-03-01T08:15:30Z"));
        assertThat(stored.get(1).createdAt()).isEqualTo(Instant.parse("2025-03-01T08:15:31.250Z"));
        assertThat(stored.get(1).responseTimeMs()).isEqualTo(0.004);
        assertThat(stored.get(1).referrer()).isEqualTo("https://ref.example/");
        assertThat(stored.get(1).route()).isEqualTo("/ms");
        assertThat(stored.get(2).createdAt()).isEqualTo(Instant.parse("2025-03-01T08:15:32Z"));
        assertThat(stored.get(2).userId()).isEqualTo("42");
        assertThat(stored.get(2).hostname()).isNull();
        assertThat(stored).allSatisfy(row -> assertThat(row.framework()).isEqualTo("My In-House Framework"));

        Http.Response tooLong = http.post("/api/log-request", batch(key, "F".repeat(33), row("/x", "GET", "200")));
        assertError(tooLong, 400, "framework");
    }

    @Test
    void rejectsABadRowAloneAndSaysSo() {
        String key = http.newKey();
        Http.Response response = http.post("/api/log-request", batch(key, "Flask",
                row("/a", "GET", "200"), row("/b", "GET", "201"), row("/c", "GET", "\"abc\""),
                row("/d", "GET", "204"), row("/e", "GET", "500")));
        assertCreated(response, 4, 1);
        JsonObject error = response.json().getAsJsonObject().getAsJsonArray("errors").get(0).getAsJsonObject();
        assertThat(error.get("row").getAsInt()).isEqualTo(2);
        assertThat(error.get("message").getAsString()).contains("status");
        assertThat(stored(key)).extracting(StoredRequest::path).containsExactly("/a", "/b", "/d", "/e");
    }

    @Test
    void unknownKeysGet401AndStoreNothing() throws Exception {
        String stranger = UUID.randomUUID().toString();
        assertError(http.post("/api/log-request", batch(stranger, "Gin", row("/a", "GET", "200"))), 401, "key");
        assertError(http.post("/api/log-request", batch("not-a-uuid", "Gin", row("/a", "GET", "200"))), 401, "key");
        assertError(http.get("/api/data", "X-AUTH-TOKEN", stranger), 401, "key");
        assertError(http.get("/api/data"), 401, "X-AUTH-TOKEN");
        assertError(http.delete("/api/data", "X-AUTH-TOKEN", stranger), 401, "key");
        assertThat(server.storage().findKey(ApiKeys.hash(stranger))).isEmpty();

        String key = http.newKey();
        http.post("/api/log-request", batch(key, "Gin", row("/a", "GET", "200")));
        assertThat(http.get("/api/data", "API-Key", key).json().getAsJsonArray()).as("the older header").hasSize(1);
    }

    @Test
    void malformedBodiesGet400NamingTheProblem() {
        String key = http.newKey();
        assertError(http.post("/api/log-request", "this is not json"), 400, "JSON");
        assertError(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"requests\":[{"), 400, "JSON");
        assertError(http.post("/api/log-request", "[1,2,3]"), 400, "object");
        assertError(http.post("/api/log-request", ""), 400, "");
        assertError(http.post("/api/log-request", "{\"framework\":\"Gin\",\"requests\":[]}"), 400, "api_key");
        assertError(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"requests\":[]}"), 400, "framework");
        assertError(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":[]}"),
                400, "requests");
        assertError(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":{}}"),
                400, "requests");
        assertError(http.post("/api/log-request", "{\"api_key\":\"" + key
                + "\",\"framework\":\"Gin\",\"privacy_level\":7,\"requests\":[]}"), 400, "privacy_level");
        assertError(http.postBytes("/api/log-request", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}), 400, "gzip");
        Http.Response allBad = http.post("/api/log-request", batch(key, "Gin", row("/a", "GET", "99"), row("/b", "BAD METHOD", "200")));
        assertError(allBad, 400, "no request in the batch is valid");
        assertThat(allBad.json().getAsJsonObject().get("rejected").getAsInt()).isEqualTo(2);
        assertThat(stored(key)).isEmpty();
    }

    // ---- the data API

    @Test
    void filtersByEveryParameterInEverySpelling() {
        String key = http.newKey();
        assertCreated(http.post("/api/log-request", """
                {"api_key":"%s","framework":"Gin","requests":[
                 %s, %s, %s, %s, %s, %s
                ]}""".formatted(key,
                full("a.example", "8.8.8.8", 200, "u1", "2025-03-01T00:00:00Z"),
                full("a.example", "8.8.8.8", 404, "u1", "2025-03-01T23:59:59.999Z"),
                full("b.example", "81.2.69.142", 200, "u2", "2025-03-02T12:00:00Z"),
                full("b.example", "81.2.69.142", 500, null, "2025-03-03T00:00:00Z"),
                full("a.example", "133.242.0.3", 200, "u3", "2025-03-04T08:00:00Z"),
                full("c.example", "10.0.0.1", 201, "u1", "2025-03-05T08:00:00Z"))), 6, 0);

        Function<String, Integer> total = query -> {
            Http.Response response = http.get("/api/data?" + query, "X-AUTH-TOKEN", key);
            assertThat(response.status()).as(query).isEqualTo(200);
            return Integer.parseInt(response.header("X-Total-Count"));
        };
        assertThat(total.apply("")).isEqualTo(6);
        assertThat(total.apply("date=2025-03-01")).isEqualTo(2);
        assertThat(total.apply("dateFrom=2025-03-02")).isEqualTo(4);
        assertThat(total.apply("dateTo=2025-03-01")).as("through the end of that day").isEqualTo(2);
        assertThat(total.apply("dateFrom=2025-03-02&dateTo=2025-03-03")).isEqualTo(2);
        assertThat(total.apply("date_from=2025-03-02&date_to=2025-03-03")).isEqualTo(2);
        assertThat(total.apply("date=2025-03-03&dateFrom=2025-03-01")).as("date wins over the range").isEqualTo(1);
        assertThat(total.apply("hostname=a.example")).isEqualTo(3);
        assertThat(total.apply("ipAddress=8.8.8.8")).isEqualTo(2);
        assertThat(total.apply("ip=81.2.69.142")).isEqualTo(2);
        assertThat(total.apply("status=200")).isEqualTo(3);
        assertThat(total.apply("location=US")).isEqualTo(2);
        assertThat(total.apply("location=gb")).isEqualTo(2);
        assertThat(total.apply("user_id=u1")).isEqualTo(3);
        assertThat(total.apply("userId=u2")).isEqualTo(1);
        assertThat(total.apply("userID=u3")).isEqualTo(1);
        assertThat(total.apply("hostname=a.example&status=200&location=US")).isEqualTo(1);
        assertThat(total.apply("unknownParameter=ignored")).isEqualTo(6);

        assertError(http.get("/api/data?page=0", "X-AUTH-TOKEN", key), 400, "page");
        assertError(http.get("/api/data?page=x", "X-AUTH-TOKEN", key), 400, "page");
        assertError(http.get("/api/data?date=2025-13-01", "X-AUTH-TOKEN", key), 400, "date");
        assertError(http.get("/api/data?dateFrom=yesterday", "X-AUTH-TOKEN", key), 400, "dateFrom");
        assertError(http.get("/api/data?dateTo=2025-3-1", "X-AUTH-TOKEN", key), 400, "dateTo");
        assertError(http.get("/api/data?dateFrom=2025-03-05&dateTo=2025-03-01", "X-AUTH-TOKEN", key), 400, "dateFrom");
        assertError(http.get("/api/data?status=abc", "X-AUTH-TOKEN", key), 400, "status");
        assertError(http.get("/api/data?location=USA", "X-AUTH-TOKEN", key), 400, "location");
        assertError(http.get("/api/data?compact=maybe", "X-AUTH-TOKEN", key), 400, "compact");
    }

    @Test
    void pagesOldestFirstWithTotalAndNextLink() {
        String key = http.newKey();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rows.add(full("h", "8.8.8.8", i % 2 == 0 ? 200 : 500, "u", "2025-03-01T08:00:0" + (6 - i) + "Z"));
        }
        assertCreated(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":["
                + String.join(",", rows) + "]}"), 7, 0);

        List<String> seen = new ArrayList<>();
        String next = "/api/data";
        int pages = 0;
        while (next != null) {
            Http.Response page = http.get(next, "X-AUTH-TOKEN", key);
            assertThat(page.header("X-Total-Count")).isEqualTo("7");
            page.json().getAsJsonArray().forEach(row -> seen.add(row.getAsJsonObject().get("created_at").getAsString()));
            String link = page.header("Link");
            next = link == null ? null : link.substring(link.indexOf(server.url()) + server.url().length(), link.indexOf('>'));
            if (link != null) {
                assertThat(link).endsWith("; rel=\"next\"");
            }
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7).isSorted();
        assertThat(seen.get(0)).isEqualTo("2025-03-01T08:00:00Z");

        Http.Response filtered = http.get("/api/data?status=200", "X-AUTH-TOKEN", key);
        assertThat(filtered.header("X-Total-Count")).isEqualTo("4");
        assertThat(filtered.header("Link")).contains("status=200").contains("page=2").contains("after=");
        assertThat(http.get("/api/data?status=200&page=2", "X-AUTH-TOKEN", key).header("Link")).isNull();
        assertThat(http.get("/api/data?page=99", "X-AUTH-TOKEN", key).json().getAsJsonArray()).isEmpty();
    }

    @Test
    void pageNumbersAndLinksGiveTheSameRowsInTheSameOrder() throws Exception {
        String key = http.newKey();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            // three days, several hours, and three or four rows on each timestamp so that ties must be broken
            String at = "2025-03-0" + (1 + i % 3) + "T" + (10 + i % 4) + ":00:00Z";
            rows.add("{\"hostname\":\"" + (i % 2 == 0 ? "a" : "b") + ".example\",\"path\":\"/p" + i + "\",\"method\":\"GET\","
                    + "\"status\":" + (i % 5 == 0 ? 404 : 200) + ",\"response_time\":1,\"created_at\":\"" + at + "\"}");
        }
        // stored in two batches, newest rows first in each: the order is the API's, not the storage's
        assertCreated(http.post("/api/log-request", batch(key, "Gin", newestFirst(rows.subList(20, 41)))), 21, 0);
        assertCreated(http.post("/api/log-request", batch(key, "Gin", newestFirst(rows.subList(0, 20)))), 20, 0);
        Instant march2 = Instant.parse("2025-03-02T00:00:00Z");
        Map<String, RequestFilter> filters = new LinkedHashMap<>();
        filters.put("", RequestFilter.ALL);
        filters.put("status=200", new RequestFilter(null, null, null, null, 200, null, null));
        filters.put("hostname=a.example", new RequestFilter(null, null, "a.example", null, null, null, null));
        filters.put("dateFrom=2025-03-02&dateTo=2025-03-03", new RequestFilter(march2, march2.plusSeconds(2 * 86_400), null, null, null, null, null));
        filters.put("date=2025-03-02&hostname=b.example&status=404", new RequestFilter(march2, march2.plusSeconds(86_400),
                "b.example", null, 404, null, null));
        DataPages.assertAreTheRows(server, http, key, filters, PAGE_SIZE);
    }

    @Test
    void malformedAlteredOrForeignCursorsGet400() {
        String key = http.newKey();
        String other = http.newKey();
        for (String k : List.of(key, other)) {
            assertCreated(http.post("/api/log-request", batch(k, "Gin", row("/a", "GET", "200"), row("/b", "GET", "200"),
                    row("/c", "GET", "200"), row("/d", "GET", "200"))), 4, 0);
        }
        String link = http.get("/api/data", "X-AUTH-TOKEN", key).header("Link");
        String cursor = link.substring(link.indexOf("after=") + "after=".length(), link.indexOf('>'));
        assertThat(http.get("/api/data?after=" + cursor, "X-AUTH-TOKEN", key).json().getAsJsonArray()).hasSize(1);

        char flipped = cursor.charAt(3) == 'A' ? 'B' : 'A';
        String altered = cursor.substring(0, 3) + flipped + cursor.substring(4);
        for (String bad : List.of("x", "not-a-cursor!", altered, cursor.substring(1), cursor + "AA", "A".repeat(500))) {
            assertError(http.get("/api/data?after=" + bad, "X-AUTH-TOKEN", key), 400, "after");
        }
        Http.Response foreign = http.get("/api/data?after=" + cursor, "X-AUTH-TOKEN", other);
        assertError(foreign, 400, "after");
        assertThat(foreign.body()).doesNotContain("/a", "/d");
    }

    @Test
    void compactModeNamesTheColumnsOnce() {
        String key = http.newKey();
        assertCreated(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":["
                + full("h", "8.8.8.8", 200, null, "2025-03-01T08:00:00Z") + "]}"), 1, 0);
        JsonArray compact = http.get("/api/data?compact=true", "X-AUTH-TOKEN", key).json().getAsJsonArray();
        assertThat(compact).hasSize(2);
        List<String> header = new ArrayList<>();
        compact.get(0).getAsJsonArray().forEach(name -> header.add(name.getAsString()));
        assertThat(header).containsExactly("hostname", "ip_address", "path", "user_agent", "method", "status",
                "response_time", "location", "user_id", "created_at");
        JsonArray row = compact.get(1).getAsJsonArray();
        assertThat(row.get(0).getAsString()).isEqualTo("h");
        assertThat(row.get(4).getAsInt()).isZero();
        assertThat(row.get(7).getAsString()).isEqualTo("US");
        assertThat(row.get(8).getAsString()).isEmpty();
    }

    // ---- privacy

    @Test
    void privacyLevelsDecideWhatIsStored() {
        String key = http.newKey();
        for (int level = 0; level <= 2; level++) {
            assertCreated(http.post("/api/log-request", """
                    {"api_key":"%s","framework":"Gin","privacy_level":%d,"requests":[%s]}"""
                    .formatted(key, level, full("h", "8.8.8.8", 200 + level, null, "2025-03-01T08:00:0" + level + "Z"))), 1, 0);
        }
        List<StoredRequest> stored = stored(key);
        assertThat(stored).extracting(StoredRequest::status).containsExactly(200, 201, 202);
        assertThat(stored.get(0).ipAddress()).isEqualTo("8.8.8.8");
        assertThat(stored.get(0).location()).isEqualTo("US");
        assertThat(stored.get(1).ipAddress()).as("level 1 drops the IP after the lookup").isNull();
        assertThat(stored.get(1).location()).isEqualTo("US");
        assertThat(stored.get(2).ipAddress()).as("level 2 stores no IP even if one is sent").isNull();
        assertThat(stored.get(2).location()).as("level 2 infers no country").isNull();

        JsonArray data = http.get("/api/data", "X-AUTH-TOKEN", key).json().getAsJsonArray();
        assertThat(data.get(1).getAsJsonObject().get("ip_address").getAsString()).isEmpty();
        assertThat(data.get(2).getAsJsonObject().get("location").getAsString()).isEmpty();
    }

    // ---- deletion

    @Test
    void deletesAKeysDataAndThenTheKey() throws Exception {
        String key = http.newKey();
        String other = http.newKey();
        assertCreated(http.post("/api/log-request", batch(key, "Gin", row("/a", "GET", "200"), row("/b", "GET", "200"))), 2, 0);
        assertCreated(http.post("/api/log-request", batch(other, "Gin", row("/a", "GET", "200"))), 1, 0);

        Http.Response deleted = http.delete("/api/data", "X-AUTH-TOKEN", key);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().getAsJsonObject().get("deleted_requests").getAsLong()).isEqualTo(2);
        assertThat(http.get("/api/data", "X-AUTH-TOKEN", key).json().getAsJsonArray()).isEmpty();
        assertThat(stored(other)).as("another key's data is untouched").hasSize(1);
        assertCreated(http.post("/api/log-request", batch(key, "Gin", row("/c", "GET", "200"))), 1, 0);

        assertThat(http.delete("/api/key", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
        assertError(http.get("/api/data", "X-AUTH-TOKEN", key), 401, "key");
        assertError(http.post("/api/log-request", batch(key, "Gin", row("/d", "GET", "200"))), 401, "key");
        assertThat(server.storage().findKey(ApiKeys.hash(key))).isEmpty();
        assertThat(stored(other)).hasSize(1);
    }

    // ---- other endpoints

    @Test
    void healthAndUnknownEndpointsAnswerJson() {
        Http.Response health = http.get("/api/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().getAsJsonObject().get("status").getAsString()).isEqualTo("healthy");
        assertError(http.get("/api/nothing-here"), 404, "/api/nothing-here");
        assertError(http.delete("/api/log-request"), 405, "POST");
    }

    // ---- helpers

    List<StoredRequest> stored(String key) {
        try {
            long id = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            List<StoredRequest> rows = new ArrayList<>();
            server.storage().readRequests(id, RequestFilter.ALL, 0, 10_000, rows::add);
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertCreated(Http.Response response, int accepted, int rejected) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        JsonObject body = response.json().getAsJsonObject();
        assertThat(body.get("status").getAsInt()).isEqualTo(201);
        assertThat(body.get("accepted").getAsInt()).as(response.body()).isEqualTo(accepted);
        assertThat(body.get("rejected").getAsInt()).as(response.body()).isEqualTo(rejected);
    }

    static void assertError(Http.Response response, int status, String mentioned) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonElement body = response.json();
        assertThat(body.getAsJsonObject().get("status").getAsInt()).isEqualTo(status);
        assertThat(body.getAsJsonObject().get("message").getAsString()).containsIgnoringCase(mentioned);
    }

    static String batch(String key, String framework, String... rows) {
        return "{\"api_key\":\"" + key + "\",\"framework\":\"" + framework + "\",\"requests\":[" + String.join(",", rows) + "]}";
    }

    static String[] newestFirst(List<String> rows) {
        List<String> reversed = new ArrayList<>(rows);
        Collections.reverse(reversed);
        return reversed.toArray(String[]::new);
    }

    static String row(String path, String method, String statusJson) {
        return "{\"hostname\":\"h\",\"ip_address\":\"8.8.8.8\",\"path\":\"" + path + "\",\"user_agent\":\"curl/8\","
                + "\"method\":\"" + method + "\",\"status\":" + statusJson + ",\"response_time\":5,"
                + "\"created_at\":\"2025-03-01T08:00:00Z\"}";
    }

    static String full(String hostname, String ip, int status, String userId, String createdAt) {
        return "{\"hostname\":\"" + hostname + "\",\"ip_address\":\"" + ip + "\",\"path\":\"/p\",\"user_agent\":\"curl/8\","
                + "\"method\":\"GET\",\"status\":" + status + ",\"response_time\":5,\"user_id\":"
                + (userId == null ? "null" : "\"" + userId + "\"") + ",\"created_at\":\"" + createdAt + "\"}";
    }
}
