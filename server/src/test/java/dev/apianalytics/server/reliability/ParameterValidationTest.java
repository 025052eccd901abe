package dev.apianalytics.server.reliability;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad query parameter of the data, dashboard and monitoring APIs is a 400 whose message
 * names it: never a 500 (a date past what java.time can turn into an instant), nor a 503 with
 * Retry-After (a date storage cannot represent), which would invite retries and false alerts.
 */
class ParameterValidationTest {

    private static Path dataDir;
    private static CollectorServer server;
    private static RawClient client;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("parameters");
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir).build());
        client = new RawClient(server.port());
        key = client.send("POST", "/api/generate-api-key", List.of(), new byte[0]).json().getAsString();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(dataDir);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET|/api/data?date=%2B999999999-12-31|date",
        "GET|/api/data?date=-999999999-01-01|date",
        "GET|/api/data?dateFrom=%2B300000-01-01|dateFrom",
        "GET|/api/data?date_from=0001-01-01|dateFrom",
        "GET|/api/data?dateTo=%2B10000-01-01|dateTo",
        "GET|/api/data?dateTo=1969-12-31|dateTo",
        "GET|/api/data?date=2026-02-30|date",
        "GET|/api/data?page=0|page",
        "GET|/api/data?page=99999999999|page",
        "GET|/api/data?status=abc|status",
        "GET|/api/data?location=USA|location",
        "GET|/api/data?compact=maybe|compact",
        "GET|/api/data?hostname=LONG|hostname",
        "GET|/api/data?ip=LONG|ipAddress",
        "GET|/api/data?user_id=LONG|user_id",
        "GET|/api/dashboard?period=forever|period",
        "GET|/api/dashboard?tz=Mars/Olympus|tz",
        "GET|/api/dashboard?hour=24|hour",
        "GET|/api/dashboard?weekday=99999999999|weekday",
        "GET|/api/dashboard?status=6xx|status",
        "GET|/api/dashboard?endpoint=LONG|endpoint",
        "GET|/api/dashboard/export.csv?country=USA|country",
        "GET|/api/dashboard/export.csv?version=v99999999|version",
        "GET|/api/monitors?period=LONG|period",
        "DELETE|/api/monitors/LONG|monitor id",
    })
    void aBadParameterIsA400NamingIt(String method, String target, String named) {
        RawClient.Answer answer = client.send(method, target.replace("LONG", "9".repeat(5_000)), List.of("X-AUTH-TOKEN", key), null);
        assertThat(answer.status()).as("%s %s: %s", method, target, answer).isEqualTo(400);
        assertThat(answer.header("Retry-After")).isNull();
        assertThat(answer.json().getAsJsonObject().get("message").getAsString()).as("%s", answer).contains(named)
                .hasSizeLessThan(300);
    }

    @ParameterizedTest
    @CsvSource({"/api/data?date=1970-01-01", "/api/data?dateFrom=2026-01-01&dateTo=9999-12-31", "/api/data?date=9999-12-31",
        "/api/dashboard?tz=Europe/Paris&hour=23&weekday=7", "/api/monitors?period=7d"})
    void theBoundsThemselvesAreAccepted(String target) {
        RawClient.Answer answer = client.send("GET", target, List.of("X-AUTH-TOKEN", key), null);
        assertThat(answer.status()).as("%s: %s", target, answer).isEqualTo(200);
    }
}
