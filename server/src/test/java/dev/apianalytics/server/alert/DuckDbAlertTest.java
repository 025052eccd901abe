package dev.apianalytics.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.apianalytics.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Alerts on the embedded DuckDB database; flapping here only, since its rules read no SQL the other storage could spell differently. */
final class DuckDbAlertTest extends AlertContract {

    private Path directory;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) throws IOException {
        directory = Files.createTempDirectory("alerts-duckdb");
        return builder.dataDir(directory);
    }

    @Test
    void flappingShorterThanTheRuleIsNoIncidentAndTheRuleIsTheKeys() {
        String key = http.newKey();
        try (LocalServer api = new LocalServer(); LocalServer receiver = new LocalServer()) {
            addDestination(key, receiver.url("/hook"), "json");
            assertThat(http.post("/api/alerts/rules", "{\"downAfter\":2}", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
            long monitor = createMonitor(key, api.url("/flaky"));
            awaitPings(key, monitor, 1);
            int pings = 1;
            // down, up, down, up: never two in a row, no incident; then two in a row and up again
            for (int status : new int[] {500, 200, 500, 200}) {
                api.answerWith(status);
                ping(key, monitor, ++pings);
            }
            assertThat(receiver.received("/hook")).as("flapping under the rule").isEmpty();
            for (int status : new int[] {500, 500, 200}) {
                api.answerWith(status);
                ping(key, monitor, ++pings);
            }
            awaitDeliveries(receiver, "/hook", 2);
            settle();
            List<String> events = new ArrayList<>();
            for (LocalServer.Received received : receiver.received("/hook")) {
                events.add(JsonParser.parseString(received.body()).getAsJsonObject().get("event").getAsString());
            }
            assertThat(events).containsExactly("monitor.down", "monitor.recovered");
        }
    }

    @Override
    void cleanUp() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
