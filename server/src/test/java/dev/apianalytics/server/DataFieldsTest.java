package dev.apianalytics.server;

import static dev.apianalytics.server.CollectorProtocolTest.assertCreated;
import static dev.apianalytics.server.CollectorProtocolTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data API's opt-in {@code fields=}: route, framework and referrer appended in the order asked,
 * in objects and in compact arrays; without it, upstream's ten columns exactly as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataFieldsTest {

    static final String DEFAULT_ANSWER = "[{\"hostname\":\"api.example.com\",\"ip_address\":\"8.8.8.8\",\"path\":\"/users/42\","
            + "\"user_agent\":\"curl/8\",\"method\":0,\"status\":200,\"response_time\":5,\"location\":\"\",\"user_id\":\"\","
            + "\"created_at\":\"2026-11-30T08:00:00.123Z\"}]";

    @TempDir
    static Path dataDir;

    CollectorServer server;
    Http http;
    String key;

    @BeforeAll
    void start() throws Exception {
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir).build());
        http = new Http(server.url());
        key = http.newKey();
        assertCreated(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"framework\":\"Micronaut\",\"requests\":[{"
                + "\"hostname\":\"api.example.com\",\"ip_address\":\"8.8.8.8\",\"path\":\"/users/42\",\"route\":\"/users/{id}\","
                + "\"referrer\":\"https://ref.example/\",\"user_agent\":\"curl/8\",\"method\":\"GET\",\"status\":200,"
                + "\"response_time\":5,\"created_at\":\"2026-11-30T08:00:00.123Z\"}]}"), 1, 0);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void withoutFieldsTheAnswerIsUpstreamsTenColumns() {
        assertThat(data("").body()).isEqualTo(DEFAULT_ANSWER);
        assertThat(data("&fields=").body()).as("an empty list asks for nothing more").isEqualTo(DEFAULT_ANSWER);
        assertThat(data("&compact=true").json().getAsJsonArray().get(0).toString()).isEqualTo("[\"hostname\",\"ip_address\","
                + "\"path\",\"user_agent\",\"method\",\"status\",\"response_time\",\"location\",\"user_id\",\"created_at\"]");
    }

    @Test
    void fieldsAppendsTheAskedColumnsInOrder() {
        JsonObject row = data("&fields=route,framework,referrer").json().getAsJsonArray().get(0).getAsJsonObject();
        assertThat(List.copyOf(row.keySet())).containsExactly("hostname", "ip_address", "path", "user_agent", "method",
                "status", "response_time", "location", "user_id", "created_at", "route", "framework", "referrer");
        assertThat(row.get("route").getAsString()).isEqualTo("/users/{id}");
        assertThat(row.get("framework").getAsString()).isEqualTo("Micronaut");
        assertThat(row.get("referrer").getAsString()).isEqualTo("https://ref.example/");

        JsonObject reordered = data("&fields=referrer&fields=route,referrer").json().getAsJsonArray().get(0).getAsJsonObject();
        assertThat(List.copyOf(reordered.keySet()).subList(10, 12)).containsExactly("referrer", "route");
    }

    @Test
    void compactHonoursFields() {
        JsonArray answer = data("&compact=true&fields=framework,route").json().getAsJsonArray();
        assertThat(answer).hasSize(2);
        JsonArray header = answer.get(0).getAsJsonArray();
        JsonArray row = answer.get(1).getAsJsonArray();
        assertThat(header).hasSize(12);
        assertThat(header.get(10).getAsString()).isEqualTo("framework");
        assertThat(header.get(11).getAsString()).isEqualTo("route");
        assertThat(row.get(0).getAsString()).isEqualTo("api.example.com");
        assertThat(row.get(10).getAsString()).isEqualTo("Micronaut");
        assertThat(row.get(11).getAsString()).isEqualTo("/users/{id}");
    }

    @Test
    void anUnknownFieldIs400NamingTheChoices() {
        assertError(data("&fields=route,api_key"), 400, "fields: unknown column 'api_key'");
        assertError(data("&fields=hostname"), 400, "route, framework or referrer");
    }

    Http.Response data(String query) {
        return http.get("/api/data?date=2026-11-30" + query, "X-AUTH-TOKEN", key);
    }
}
