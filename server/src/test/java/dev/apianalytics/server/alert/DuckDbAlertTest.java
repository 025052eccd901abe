package dev.apianalytics.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonParser;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

    @Test
    void aRestartNeitherRepeatsNorForgetsAnIncident() throws Exception {
        Path dir = Files.createTempDirectory("alerts-restart");
        MutableClock restartClock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ServerConfig config = ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dir).clock(restartClock)
                .monitorAllowPrivate(true).build();
        try (LocalServer api = new LocalServer(); LocalServer receiver = new LocalServer()) {
            api.answerWith(500);
            String key;
            try (CollectorServer before = CollectorServer.start(config)) {
                Http client = new Http(before.url());
                key = client.newKey();
                client.post("/api/alerts/destinations", "{\"url\":\"" + receiver.url("/hook") + "\"}", "X-AUTH-TOKEN", key);
                client.post("/api/alerts/rules", "{\"downAfter\":1}", "X-AUTH-TOKEN", key);
                client.post("/api/monitors", "{\"url\":\"" + api.url("/down") + "\",\"intervalSeconds\":30}", "X-AUTH-TOKEN", key);
                awaitDeliveries(receiver, "/hook", 1);
            }
            try (CollectorServer after = CollectorServer.start(config)) {
                restartClock.advance(Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(20)).until(() -> api.received("/down").size() >= 2);
                settle();
                assertThat(receiver.received("/hook")).as("still down after the restart: no second alert").hasSize(1);
                api.answerWith(200);
                restartClock.advance(Duration.ofSeconds(30));
                awaitDeliveries(receiver, "/hook", 2);
                assertThat(JsonParser.parseString(receiver.received("/hook").get(1).body()).getAsJsonObject().get("event")
                        .getAsString()).isEqualTo("monitor.recovered");
            }
        } finally {
            TestFiles.deleteRecursively(dir);
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
