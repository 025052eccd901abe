package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code /api/monitors} accepts and refuses, with the messages a person reads. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class MonitorApiTest {

    private Path directory;
    private CollectorServer server;
    private Http http;

    @BeforeAll
    void start() throws Exception {
        directory = Files.createTempDirectory("monitor-api");
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(directory)
                .keysPerHour(1_000).build());
        http = new Http(server.url());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(directory);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"url":"ftp://example.com/file"}                                      | must start with http:// or https://
            {"url":"javascript:alert(1)"}                                         | must start with http:// or https://
            {"url":"file:///etc/passwd"}                                          | must start with http:// or https://
            {"url":"https://"}                                                    | not a valid URL
            {"url":"http:///path-only"}                                           | has no host name
            {"url":"https://user:secret@example.com/"}                            | must not contain a user name or password
            {"url":""}                                                            | url is required
            {}                                                                    | url is required
            {"url":42}                                                            | url must be a string
            {"url":"https://example.com/","method":"POST"}                        | method must be HEAD or GET
            {"url":"https://example.com/","intervalSeconds":5}                    | intervalSeconds must be a whole number from 30 to 86400
            {"url":"https://example.com/","intervalSeconds":90.5}                 | intervalSeconds must be a whole number
            {"url":"https://example.com/","intervalSeconds":"often"}              | intervalSeconds must be a number
            {"url":"https://example.com/","timeoutSeconds":120}                   | timeoutSeconds must be from 1 to 30
            [1,2,3]                                                               | must be a JSON object
            {not json                                                             | not valid JSON
            """)
    void badInputGets400NamingTheProblem(String body, String message) {
        String key = http.newKey();
        Http.Response response = http.post("/api/monitors", body, "X-AUTH-TOKEN", key);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().getAsJsonObject().get("message").getAsString()).contains(message);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://127.0.0.1:8080/health              | 127.0.0.1, a loopback address
            http://localhost/                         | reserved for local networks
            http://169.254.169.254/latest/meta-data/  | a cloud metadata address
            http://metadata.google.internal/          | a cloud metadata service's name
            http://metadata/computeMetadata/v1/       | a cloud metadata service's name
            http://instance-data/latest/              | a cloud metadata service's name
            http://[fd00:ec2::254]/                   | a cloud metadata address
            http://[::1]:8421/                        | a loopback address
            http://10.0.0.1/                          | a private address
            http://192.168.0.1/                       | a private address
            http://100.64.0.1/                        | carrier-grade NAT
            http://0.0.0.0:8421/                      | an unspecified address
            http://[::ffff:127.0.0.1]/                | a loopback address
            http://[fe80::1%25eth0]/                  | names a network interface
            http://2130706433/                        | an unusual spelling of an IPv4 address
            http://0x7f.1/                            | an unusual spelling of an IPv4 address
            http://0177.0.0.1/                        | an unusual spelling of an IPv4 address
            http://127.1/                             | an unusual spelling of an IPv4 address
            https://224.0.0.1/                        | a multicast address
            https://255.255.255.255/                  | a broadcast address
            """)
    void internalTargetsGet400NamingWhy(String url, String reason) {
        Http.Response response = http.post("/api/monitors", "{\"url\":\"" + url + "\"}", "X-AUTH-TOKEN", http.newKey());
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().getAsJsonObject().get("message").getAsString()).contains("url is not allowed", reason);
    }

    @Test
    void theCollectorCannotBeMadeToCallItself() {
        // the attack: a monitor on the collector's own key-minting endpoint
        Http.Response response = http.post("/api/monitors", "{\"url\":\"" + server.url() + "/api/generate-api-key\",\"method\":\"GET\"}",
                "X-AUTH-TOKEN", http.newKey());
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().getAsJsonObject().get("message").getAsString()).contains("not allowed");
    }

    @Test
    void aKeyMonitorsAtMostTenUrlsAndEachOnce() {
        String key = http.newKey();
        for (int i = 0; i < MonitorSettings.DEFAULT_MAX_URLS; i++) {
            Http.Response created = http.post("/api/monitors", "{\"url\":\"https://api.example.com/" + i + "\"}", "X-AUTH-TOKEN", key);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().getAsJsonObject().get("method").getAsString()).isEqualTo("HEAD");
            assertThat(created.json().getAsJsonObject().get("intervalSeconds").getAsInt()).isEqualTo(300);
        }
        Http.Response eleventh = http.post("/api/monitors", "{\"url\":\"https://api.example.com/x\"}", "X-AUTH-TOKEN", key);
        assertThat(eleventh.status()).isEqualTo(400);
        assertThat(eleventh.json().getAsJsonObject().get("message").getAsString()).contains("already monitors 10 URLs");

        String other = http.newKey();
        assertThat(http.post("/api/monitors", "{\"url\":\"https://api.example.com/x\",\"method\":\"GET\"}",
                "X-AUTH-TOKEN", other).status()).isEqualTo(201);
        Http.Response duplicate = http.post("/api/monitors", "{\"url\":\"https://api.example.com/x\",\"method\":\"get\"}",
                "X-AUTH-TOKEN", other);
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json().getAsJsonObject().get("message").getAsString()).contains("already monitored");
    }

    @Test
    void monitorsAreRemovedByTheirKeyOnly() {
        String key = http.newKey();
        long id = http.post("/api/monitors", "{\"url\":\"https://api.example.com/health\"}", "X-AUTH-TOKEN", key)
                .json().getAsJsonObject().get("id").getAsLong();
        assertThat(http.delete("/api/monitors/" + id, "X-AUTH-TOKEN", http.newKey()).status()).isEqualTo(404);
        assertThat(http.delete("/api/monitors/abc", "X-AUTH-TOKEN", key).status()).isEqualTo(400);
        assertThat(http.delete("/api/monitors/" + id, "X-AUTH-TOKEN", key).status()).isEqualTo(204);
        assertThat(http.delete("/api/monitors/" + id, "X-AUTH-TOKEN", key).status()).isEqualTo(404);
        assertThat(http.get("/api/monitors", "X-AUTH-TOKEN", key).json().getAsJsonObject().getAsJsonArray("monitors")).isEmpty();
    }

    @Test
    void everyMonitorEndpointNeedsAKey() {
        assertThat(http.get("/api/monitors").status()).isEqualTo(401);
        assertThat(http.post("/api/monitors", "{\"url\":\"https://example.com/\"}").status()).isEqualTo(401);
        assertThat(http.delete("/api/monitors/1").status()).isEqualTo(401);
        assertThat(http.get("/api/monitors?period=1h", "X-AUTH-TOKEN", http.newKey()).status()).isEqualTo(400);
    }
}
