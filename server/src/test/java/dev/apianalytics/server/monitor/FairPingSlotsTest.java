package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attack on ping slots: seven keys each monitor ten URLs that accept connections and
 * never answer (more hanging URLs than there are slots in all). Another key's new monitor must
 * still get its first ping well within its interval, and each key holds at most its own slots.
 */
final class FairPingSlotsTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void hangingUrlsOfSomeKeysDoNotDelayAnotherKeysPing() throws Exception {
        Path directory = Files.createTempDirectory("fair-pings");
        ServerConfig config = ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(directory)
                .monitorAllowPrivate(true).build();
        try (CollectorServer server = CollectorServer.start(config); HangingPort hanging = new HangingPort();
                TargetServer target = new TargetServer()) {
            Http http = new Http(server.url());
            int keys = 7;
            for (int k = 0; k < keys; k++) {
                String key = http.newKey();
                for (int i = 0; i < MonitorSettings.DEFAULT_MAX_URLS; i++) {
                    Http.Response created = http.post("/api/monitors", "{\"url\":\"" + hanging.url("/" + k + "/" + i)
                            + "\",\"method\":\"GET\",\"intervalSeconds\":30,\"timeoutSeconds\":30}", "X-AUTH-TOKEN", key);
                    assertThat(created.status()).as(created.body()).isEqualTo(201);
                }
            }
            // the hanging URLs are due and being pinged (two per key): their slots are taken for 30 seconds
            int perKey = 2;
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.connections() >= keys * perKey);

            String other = http.newKey();
            Http.Response created = http.post("/api/monitors", "{\"url\":\"" + target.url("/health")
                    + "\",\"method\":\"GET\",\"intervalSeconds\":30,\"timeoutSeconds\":5}", "X-AUTH-TOKEN", other);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            // the interval is 30 s; the first ping is due at once and the scheduler looks every second
            await().atMost(Duration.ofSeconds(15)).until(() -> target.requests() >= 1);
            assertThat(hanging.connections()).isEqualTo(keys * perKey);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temporary directory is harmless
            }
        }
    }
}
