package dev.apianalytics.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.keys.ApiKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two tenants on one collector. Key A, through every endpoint and parameter (data pages of three
 * rows, so that next-page cursors exist), can never read, filter into, export, delete or monitor
 * key B's data; unknown and malformed keys get 401 everywhere; the database holds only hashes of
 * keys; and no key reaches a log line or the console, on DuckDB and on PostgreSQL.
 */
@Isolated("swaps System.out and System.err to read everything the collector prints")
class TenantIsolationTest {

    private static final String[] AUTHENTICATED = {"GET /api/data", "DELETE /api/data", "DELETE /api/key",
            "GET /api/dashboard", "GET /api/dashboard/export.csv", "GET /api/monitors", "POST /api/monitors",
            "DELETE /api/monitors/1"};

    @ParameterizedTest
    @ValueSource(strings = {"duckdb", "postgresql"})
    void oneKeyNeverReachesAnothersData(String database, @TempDir Path dataDir) throws Exception {
        String url = database.equals("postgresql") ? TestEnvironment.freshPostgresSchemaUrl() : null;
        Path geo = TestEnvironment.geoDatabase();
        LogCapture logs = LogCapture.start();
        String keyA;
        String keyB;
        try {
            try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                    .dataDir(dataDir).databaseUrl(url).geoDatabase(geo).dataPageSize(3).build())) {
                RawClient client = new RawClient(server.port());
                keyA = client.send("POST", "/api/generate-api-key", List.of(), new byte[0]).json().getAsString();
                keyB = client.send("GET", "/api/generate-api-key", List.of(), null).json().getAsString();
                String tag = UUID.randomUUID().toString().substring(0, 8);
                Tenant a = new Tenant(keyA, "a-" + tag + ".example", "81.2.69.160", "GB", "alice-" + tag, 201, "/a-" + tag);
                Tenant b = new Tenant(keyB, "b-" + tag + ".example", "8.8.8.8", "US", "bob-" + tag, 418, "/b-" + tag);
                ingest(client, a, 7);
                ingest(client, b, 5);
                long bMonitor = createMonitor(client, b);

                assertThat(count(client, a.key, "")).isEqualTo(7);
                assertThat(count(client, b.key, "")).isEqualTo(5);
                assertReadsOnlyOwnData(client, a, b);
                assertReadsOnlyOwnData(client, b, a);
                assertAuthenticationIsStrict(client, a, b);
                assertDashboardAndExportIsolated(client, a, b);
                assertMonitorsIsolated(client, a, b, bMonitor);
                String idA = dashboardId(client, a);
                String idB = dashboardId(client, b);
                assertDashboardIdReadsOnlyItsOwnKey(client, idA, a, b, bMonitor);
                assertDashboardIdReadsOnlyItsOwnKey(client, idB, b, a, bMonitor);

                // A deletes its data, then its key: B keeps everything
                assertThat(send(client, "DELETE", "/api/data", a.key).status()).isEqualTo(200);
                assertThat(count(client, a.key, "")).isZero();
                assertThat(count(client, b.key, "")).isEqualTo(5);
                assertThat(send(client, "DELETE", "/api/key", a.key).status()).isEqualTo(200);
                for (String endpoint : AUTHENTICATED) {
                    assertUnauthorized(send(client, endpoint.split(" ")[0], endpoint.split(" ")[1], a.key), "deleted key A", endpoint);
                }
                assertThat(count(client, b.key, "")).isEqualTo(5);
                assertThat(monitorUrls(client, b)).contains("https://isolation.example.com/" + b.path);
                for (String endpoint : READ_BY_DASHBOARD_ID) {
                    assertUnauthorized(send(client, "GET", endpoint, idA), "A's dashboard id after A was deleted", endpoint);
                }
                assertThat(send(client, "GET", "/api/dashboard?period=all", idB).text()).contains(b.hostname);

                assertKeysStoredOnlyHashed(server, keyA, keyB, idA, idB);
            }
            if (url == null) {
                assertKeysAbsentFromFiles(dataDir, keyA, keyB);
            }
            // proves the capture sees the collector's loggers at every level, and the console
            System.getLogger("dev.apianalytics.server.CaptureCheck").log(System.Logger.Level.DEBUG, "capture-canary-1");
            System.err.println("capture-canary-2");
        } finally {
            logs.stop();
            if (url != null) {
                TestEnvironment.dropSchema(url);
            }
        }
        assertThat(logs.text()).as("what the collector logged and printed").contains("capture-canary-1", "capture-canary-2");
        for (String key : List.of(keyA, keyB)) {
            assertThat(logs.text()).as("log output").doesNotContainIgnoringCase(key).doesNotContain(ApiKeys.hash(key));
        }
    }

    private static final String[] READ_BY_DASHBOARD_ID = {"/api/dashboard?period=all", "/api/dashboard/export.csv?period=all",
            "/api/monitors"};

    private static String dashboardId(RawClient client, Tenant tenant) {
        RawClient.Answer answer = send(client, "GET", "/api/dashboard-id", tenant.key);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        String id = answer.json().getAsJsonObject().get("id").getAsString();
        assertThat(id).startsWith("dash_").doesNotContain(tenant.key).doesNotContain(tenant.key.replace("-", ""));
        return id;
    }

    /**
     * A dashboard id reads its own key's dashboard, export and monitors and nothing of the other's,
     * whatever the filters say, and every write endpoint refuses it with a JSON 403.
     */
    private static void assertDashboardIdReadsOnlyItsOwnKey(RawClient client, String id, Tenant self, Tenant other,
            long otherMonitor) {
        for (String endpoint : READ_BY_DASHBOARD_ID) {
            RawClient.Answer answer = send(client, "GET", endpoint, id);
            assertThat(answer.status()).as("%s: %s", endpoint, answer).isEqualTo(200);
            assertThat(answer.text()).as(endpoint).doesNotContain(other.hostname, other.userId, other.path);
        }
        assertThat(send(client, "GET", "/api/dashboard/export.csv?period=all", id).text()).contains(self.path);
        for (String query : List.of("hostname=" + other.hostname, "user=" + other.userId, "status=" + other.status,
                "country=" + other.country, "endpoint=" + enc(other.path + "/0"))) {
            RawClient.Answer answer = send(client, "GET", "/api/dashboard?period=all&" + query, id);
            assertThat(answer.json().getAsJsonObject().getAsJsonObject("summary").getAsJsonObject("requests").get("current")
                    .getAsLong()).as(query).isZero();
        }
        List<String> writes = List.of("GET /api/data", "DELETE /api/data", "DELETE /api/key", "POST /api/monitors",
                "DELETE /api/monitors/" + otherMonitor, "GET /api/dashboard-id", "POST /api/dashboard-id", "DELETE /api/dashboard-id",
                "GET /api/alerts", "POST /api/alerts/destinations", "POST /api/alerts/rules");
        for (String endpoint : writes) {
            RawClient.Answer answer = send(client, endpoint.split(" ")[0], endpoint.split(" ")[1], id);
            assertThat(answer.status()).as("%s with a dashboard id: %s", endpoint, answer).isEqualTo(403);
            assertThat(answer.json().getAsJsonObject().get("message").getAsString()).contains("dashboard id");
        }
        // another key's id with a key's header spelling, or glued to a key, is still no key
        assertUnauthorized(send(client, "GET", "/api/dashboard", id + "x"), "id with a suffix", "GET /api/dashboard");
        assertUnauthorized(send(client, "GET", "/api/dashboard", "dash_" + "A".repeat(43)), "unknown id", "GET /api/dashboard");
    }

    /** One tenant and the values its rows carry; none is shared with the other tenant. */
    private record Tenant(String key, String hostname, String ip, String country, String userId, int status, String path) {}

    private static void ingest(RawClient client, Tenant tenant, int rows) {
        StringBuilder json = new StringBuilder("{\"api_key\":\"" + tenant.key + "\",\"framework\":\"Javalin\",\"requests\":[");
        for (int i = 0; i < rows; i++) {
            json.append(i > 0 ? "," : "").append("{\"hostname\":\"").append(tenant.hostname).append("\",\"ip_address\":\"")
                    .append(tenant.ip).append("\",\"path\":\"").append(tenant.path).append('/').append(i)
                    .append("\",\"user_agent\":\"curl/8.5.0\",\"method\":\"GET\",\"status\":").append(tenant.status)
                    .append(",\"response_time\":3,\"user_id\":\"").append(tenant.userId).append("\",\"created_at\":\"")
                    .append(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS)).append("\"}");
        }
        RawClient.Answer answer = client.send("POST", "/api/log-request", List.of("Content-Type", "application/json"),
                json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
    }

    /** Every data-API filter, in every spelling, pointed at the other tenant's values, finds nothing. */
    private static void assertReadsOnlyOwnData(RawClient client, Tenant self, Tenant other) {
        String day = LocalDate.now(ZoneOffset.UTC).toString();
        List<String> intoOther = List.of("hostname=" + other.hostname, "ipAddress=" + other.ip, "ip=" + other.ip,
                "ip_address=" + other.ip, "status=" + other.status, "location=" + other.country, "user_id=" + other.userId,
                "userId=" + other.userId, "userID=" + other.userId,
                "hostname=" + other.hostname + "&user_id=" + other.userId + "&status=" + other.status + "&date=" + day,
                "compact=true&hostname=" + other.hostname);
        for (String query : intoOther) {
            RawClient.Answer answer = send(client, "GET", "/api/data?" + query, self.key);
            assertThat(answer.status()).as("%s: %s", query, answer).isEqualTo(200);
            assertThat(answer.header("X-Total-Count")).as(query).isEqualTo("0");
            assertThat(answer.text()).as(query).doesNotContain(other.hostname, other.userId, other.path);
        }
        // parameters that name the other key or its id are ignored, never obeyed
        List<String> smuggled = List.of("api_key=" + other.key, "X-AUTH-TOKEN=" + other.key, "key_id=1&key_id=2&keyId=2",
                "hostname=" + self.hostname + "%27%20OR%20%271%27=%271", "user_id=" + self.userId + "%27%20OR%20key_id%3C%3E0--",
                "date=" + day + "&dateFrom=2000-01-01&dateTo=2999-12-31", "page=1&page=2");
        for (String query : smuggled) {
            RawClient.Answer answer = send(client, "GET", "/api/data?" + query, self.key);
            assertThat(answer.status()).as("%s: %s", query, answer).isIn(200, 400);
            assertThat(answer.text()).as(query).doesNotContain(other.hostname, other.userId, other.path);
        }
        // following Link reads every own row and nothing else; the other tenant's cursor is refused
        List<String> followed = new ArrayList<>();
        String target = "/api/data?compact=false";
        while (target != null) {
            RawClient.Answer page = send(client, "GET", target, self.key);
            assertThat(page.status()).as("%s: %s", target, page).isEqualTo(200);
            page.json().getAsJsonArray().forEach(row -> followed.add(row.getAsJsonObject().get("path").getAsString()));
            String link = page.header("Link");
            target = link == null ? null : link.substring(link.indexOf("/api/data"), link.indexOf('>'));
        }
        assertThat(followed).hasSize((int) count(client, self.key, "")).allMatch(path -> path.startsWith(self.path + "/"));
        String otherLink = send(client, "GET", "/api/data", other.key).header("Link");
        String otherCursor = otherLink.substring(otherLink.indexOf("after=") + "after=".length(), otherLink.indexOf('>'));
        RawClient.Answer foreign = send(client, "GET", "/api/data?after=" + otherCursor, self.key);
        assertThat(foreign.status()).as("%s", foreign).isEqualTo(400);
        assertThat(foreign.text()).contains("after").doesNotContain(other.hostname, other.userId, other.path);

        RawClient.Answer all = send(client, "GET", "/api/data", self.key);
        JsonArray rows = all.json().getAsJsonArray();
        assertThat(rows).isNotEmpty();
        rows.forEach(row -> assertThat(row.getAsJsonObject().get("hostname").getAsString()).isEqualTo(self.hostname));
        assertThat(rows.get(0).getAsJsonObject().get("location").getAsString()).as("country lookup works here")
                .isEqualTo(self.country);
    }

    private static void assertAuthenticationIsStrict(RawClient client, Tenant a, Tenant b) {
        List<String> bad = List.of(UUID.randomUUID().toString(), a.key.replace("-", ""), a.key.substring(0, 35), a.key + "0",
                "{" + a.key + "}", "' OR '1'='1", "null", "00000000-0000-0000-0000-000000000000", a.key + "," + b.key,
                "Bearer " + a.key, ApiKeys.hash(a.key), "x".repeat(4_000));
        for (String endpoint : AUTHENTICATED) {
            String method = endpoint.split(" ")[0];
            String path = endpoint.split(" ")[1];
            assertUnauthorized(client.send(method, path, List.of(), method.equals("POST") ? new byte[0] : null), "no key", endpoint);
            assertUnauthorized(client.send(method, path, List.of("X-AUTH-TOKEN", ""), null), "empty key", endpoint);
            for (String key : bad) {
                assertUnauthorized(send(client, method, path, key), key, endpoint);
                assertUnauthorized(client.send(method, path, List.of("API-Key", key), null), "API-Key " + key, endpoint);
            }
        }
        // the header wins over the older one, and the first of repeated headers is the one read
        RawClient.Answer both = client.send("GET", "/api/data", List.of("X-AUTH-TOKEN", a.key, "API-Key", b.key), null);
        assertThat(both.text()).contains(a.hostname).doesNotContain(b.hostname);
        RawClient.Answer repeated = client.send("GET", "/api/data", List.of("X-AUTH-TOKEN", a.key, "X-AUTH-TOKEN", b.key), null);
        assertThat(repeated.text()).contains(a.hostname).doesNotContain(b.hostname);
        // ingestion under a key this server never issued stores nothing anywhere
        Tenant stranger = new Tenant(UUID.randomUUID().toString(), a.hostname, a.ip, a.country, a.userId, 200, a.path);
        long before = count(client, a.key, "") + count(client, b.key, "");
        StringBuilder json = new StringBuilder("{\"api_key\":\"" + stranger.key + "\",\"framework\":\"Go\",\"requests\":"
                + "[{\"path\":\"/x\",\"method\":\"GET\",\"status\":200,\"response_time\":1}]}");
        RawClient.Answer answer = client.send("POST", "/api/log-request", List.of("Content-Type", "application/json"),
                json.toString().getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(answer, "unknown ingestion key", "POST /api/log-request");
        assertThat(count(client, a.key, "") + count(client, b.key, "")).isEqualTo(before);
    }

    private static void assertDashboardAndExportIsolated(RawClient client, Tenant a, Tenant b) {
        JsonObject own = send(client, "GET", "/api/dashboard?period=all", a.key).json().getAsJsonObject();
        assertThat(own.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong()).isEqualTo(7);
        List<String> intoOther = List.of("hostname=" + b.hostname, "user=" + b.userId, "user=" + b.ip, "status=" + b.status,
                "status=4xx", "country=" + b.country, "endpoint=" + enc(b.path + "/0"),
                "hostname=" + enc(a.hostname + "' OR '1'='1"), "hide=" + enc(a.path + "*"));
        for (String query : intoOther) {
            for (String period : List.of("all", "24h")) {
                RawClient.Answer answer = send(client, "GET", "/api/dashboard?period=" + period + "&" + query, a.key);
                assertThat(answer.status()).as("%s: %s", query, answer).isEqualTo(200);
                JsonObject json = answer.json().getAsJsonObject();
                assertThat(json.getAsJsonObject("summary").getAsJsonObject("requests").get("current").getAsLong())
                        .as("requests for A filtered by %s", query).isZero();
                assertThat(answer.text()).as(query).doesNotContain(b.hostname, b.userId, b.path);
                RawClient.Answer csv = send(client, "GET", "/api/dashboard/export.csv?period=" + period + "&" + query, a.key);
                assertThat(csv.status()).as("%s: %s", query, csv).isEqualTo(200);
                assertThat(csv.text()).as(query).doesNotContain(b.hostname, b.userId, b.path, a.path);
            }
        }
        String everything = send(client, "GET", "/api/dashboard/export.csv?period=all", a.key).text();
        assertThat(everything).contains(a.path).doesNotContain(b.hostname, b.userId, b.path);
        assertThat(send(client, "GET", "/api/dashboard?period=all", a.key).text()).doesNotContain(b.hostname, b.userId, b.path);
    }

    private static long createMonitor(RawClient client, Tenant tenant) {
        byte[] body = ("{\"url\":\"https://isolation.example.com/" + tenant.path + "\",\"method\":\"HEAD\",\"intervalSeconds\":3600}")
                .getBytes(StandardCharsets.UTF_8);
        RawClient.Answer answer = client.send("POST", "/api/monitors",
                List.of("X-AUTH-TOKEN", tenant.key, "Content-Type", "application/json"), body);
        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
        return answer.json().getAsJsonObject().get("id").getAsLong();
    }

    private static void assertMonitorsIsolated(RawClient client, Tenant a, Tenant b, long bMonitor) {
        for (String period : List.of("24h", "7d", "30d", "60d")) {
            assertThat(send(client, "GET", "/api/monitors?period=" + period, a.key).text()).doesNotContain(b.path);
        }
        RawClient.Answer delete = send(client, "DELETE", "/api/monitors/" + bMonitor, a.key);
        assertThat(delete.status()).as("A deleting B's monitor: %s", delete).isEqualTo(404);
        assertThat(monitorUrls(client, b)).contains("https://isolation.example.com/" + b.path);
    }

    private static List<String> monitorUrls(RawClient client, Tenant tenant) {
        List<String> urls = new ArrayList<>();
        send(client, "GET", "/api/monitors", tenant.key).json().getAsJsonObject().getAsJsonArray("monitors")
                .forEach(monitor -> urls.add(monitor.getAsJsonObject().get("url").getAsString()));
        return urls;
    }

    /** Every text column of every table, searched for the raw keys in any case. */
    private static void assertKeysStoredOnlyHashed(CollectorServer server, String... keys) throws SQLException {
        try (Connection connection = server.storage().connection()) {
            List<String[]> columns = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT table_name, column_name FROM "
                    + "information_schema.columns WHERE table_schema = current_schema() AND (data_type LIKE '%CHAR%' "
                    + "OR data_type LIKE '%char%' OR data_type IN ('text', 'TEXT'))");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    columns.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
            assertThat(columns).as("text columns found").anyMatch(c -> c[0].equalsIgnoreCase("api_keys"));
            for (String key : keys) {
                for (String[] column : columns) {
                    try (PreparedStatement find = connection.prepareStatement("SELECT count(*) FROM \"" + column[0]
                            + "\" WHERE lower(CAST(\"" + column[1] + "\" AS VARCHAR)) LIKE ?")) {
                        find.setString(1, "%" + key.toLowerCase(Locale.ROOT) + "%");
                        try (ResultSet rows = find.executeQuery()) {
                            rows.next();
                            assertThat(rows.getLong(1)).as("raw key in %s.%s", column[0], column[1]).isZero();
                        }
                    }
                }
                try (PreparedStatement find = connection.prepareStatement("SELECT count(*) FROM api_keys WHERE key_hash = ?")) {
                    find.setString(1, ApiKeys.hash(key));
                    try (ResultSet rows = find.executeQuery()) {
                        rows.next();
                        assertThat(rows.getLong(1)).as("SHA-256 of a live key is stored").isLessThanOrEqualTo(1);
                    }
                }
            }
        }
    }

    /** The DuckDB files themselves (database and write-ahead log) hold no key in any case. */
    private static void assertKeysAbsentFromFiles(Path dataDir, String... keys) throws Exception {
        try (Stream<Path> files = Files.walk(dataDir)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            assertThat(regular).isNotEmpty();
            for (Path file : regular) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                for (String key : keys) {
                    assertThat(content.contains(key.toLowerCase(Locale.ROOT))).as("raw key in " + file).isFalse();
                }
            }
        }
    }

    private static void assertUnauthorized(RawClient.Answer answer, String key, String endpoint) {
        assertThat(answer.status()).as("%s with key '%s': %s", endpoint, key, answer).isEqualTo(401);
        JsonObject json = answer.json().getAsJsonObject();
        assertThat(json.get("status").getAsInt()).isEqualTo(401);
        assertThat(json.get("message").getAsString()).isNotBlank();
    }

    private static long count(RawClient client, String key, String query) {
        RawClient.Answer answer = send(client, "GET", "/api/data?page=100000" + query, key);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return Long.parseLong(answer.header("X-Total-Count"));
    }

    private static RawClient.Answer send(RawClient client, String method, String target, String key) {
        return client.send(method, target, List.of("X-AUTH-TOKEN", key), method.equals("POST") ? new byte[0] : null);
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Everything logged through java.util.logging and printed to System.out and System.err while it runs. */
    private static final class LogCapture {
        private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        private final StringBuffer logged = new StringBuffer();
        private final PrintStream originalOut = System.out;
        private final PrintStream originalErr = System.err;
        private final Handler handler = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                logged.append(formatter.format(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        private Level originalLevel;
        /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
        private final Logger collector = Logger.getLogger("dev.apianalytics");

        static LogCapture start() {
            LogCapture capture = new LogCapture();
            // what a default deployment logs, plus every level of the collector's own loggers
            Logger root = Logger.getLogger("");
            capture.originalLevel = capture.collector.getLevel();
            capture.collector.setLevel(Level.ALL);
            capture.handler.setLevel(Level.ALL);
            root.addHandler(capture.handler);
            System.setOut(new PrintStream(new Tee(capture.originalOut, capture.printed), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(capture.originalErr, capture.printed), true, StandardCharsets.UTF_8));
            return capture;
        }

        void stop() {
            Logger.getLogger("").removeHandler(handler);
            collector.setLevel(originalLevel);
            System.setOut(originalOut);
            System.setErr(originalErr);
        }

        String text() {
            synchronized (printed) {
                return logged + printed.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(java.io.OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            original.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            original.write(bytes, offset, length);
            synchronized (copy) {
                copy.write(bytes, offset, length);
            }
        }
    }
}
