package dev.apianalytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an application's log says about delivery, line by line, against a real collector. */
class DeliveryLogTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String KEY = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";

    private TestCollector collector;
    private CapturedLog log;
    private final List<Uploader> uploaders = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        collector = TestCollector.start();
        log = CapturedLog.capture();
    }

    @AfterEach
    void stop() {
        uploaders.forEach(uploader -> uploader.close(Duration.ofMillis(100)));
        log.close();
        collector.close();
    }

    private Uploader uploader(Config.Builder config) {
        Uploader uploader = new Uploader(config.apiKey(KEY).build(), "Javalin");
        uploaders.add(uploader);
        return uploader;
    }

    private String endpoint() {
        return collector.url() + "/api/log-request";
    }

    private static RequestRecord record(int id) {
        return new RequestRecord("api.example.com", "203.0.113.7", "/items/" + id, "/items/{id}",
                "curl/8.5.0", "GET", 200, 153, null, 1_790_000_000_000L);
    }

    @Test
    void saysWhereItSendsAndAtWhichPrivacyLevelOnStart() {
        try (ApiAnalytics analytics = ApiAnalytics.create(collector.config().apiKey(KEY).privacyLevel(1)
                .excludePaths("/health", "*.css").build(), "Javalin")) {
            assertThat(log.lines()).containsExactly("INFO API Analytics records Javalin requests to " + collector.url()
                    + " at privacy level 1, except paths matching /health, *.css");
        }
    }

    @Test
    void saysOnceThatTheFirstBatchWasAccepted() {
        Uploader uploader = uploader(collector.config());
        uploader.offer(record(1));
        uploader.offer(record(2));
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(3));
        assertThat(uploader.flush(WAIT)).isTrue();

        assertThat(log.lines()).containsExactly(
                "INFO API Analytics collector at " + endpoint() + " accepted the first batch (2 records)");
    }

    @Test
    void aRefusedKeyIsOneErrorNamingTheCollectorAndTheKeysStart() {
        collector.script(TestCollector.Reply.of(401), TestCollector.Reply.of(401));
        Uploader uploader = uploader(collector.config());
        uploader.offer(record(1));
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(2));
        assertThat(uploader.flush(WAIT)).isTrue();

        assertThat(collector.posts()).hasSize(2);
        assertThat(log.lines()).containsExactly("SEVERE API Analytics collector at " + endpoint()
                + " does not know the API key starting 6f1c2d3e (HTTP 401); dropped a batch of 1 record, and no request"
                + " is recorded until the key is right: check api-key and server-url");
    }

    @Test
    void anOutageIsOneWarningThenReachableAgainWithTheRecordsDroppedMeanwhile() throws Exception {
        collector.down();
        Uploader uploader = uploader(collector.config().batchSize(10).queueCapacity(10).flushInterval(Duration.ofMillis(20)));
        uploader.offer(record(0));
        // the first record is in flight, being retried: the queue is empty again
        await().atMost(WAIT).until(() -> uploader.stats().retried() >= 2 && uploader.stats().queued() == 0);
        for (int i = 1; i <= 15; i++) {
            uploader.offer(record(i));
        }
        assertThat(uploader.stats().dropped()).isEqualTo(5);
        collector.up();

        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(collector.accepted()).hasSize(11);
        List<String> lines = log.lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("WARNING API Analytics collector at " + endpoint()
                + " is unreachable (java.net.ConnectException").endsWith("); retrying");
        assertThat(lines.get(1)).isEqualTo(
                "WARNING API Analytics queue is full (10 records); dropping records until the collector catches up");
        assertThat(lines.subList(2, 4)).containsExactly(
                "INFO API Analytics collector at " + endpoint() + " accepted the first batch (1 record)",
                "INFO API Analytics collector at " + endpoint() + " is reachable again; records dropped meanwhile: 5");
    }

    @Test
    void recordsLeftUnsentAtCloseAreAlwaysReportedEvenDuringAnOutage() throws Exception {
        collector.down();
        Uploader uploader = uploader(collector.config().flushInterval(Duration.ofMillis(20)));
        for (int i = 0; i < 3; i++) {
            uploader.offer(record(i));
        }
        await().atMost(WAIT).until(() -> uploader.stats().retried() >= 1);
        uploader.close(Duration.ofMillis(200));

        assertThat(log.lines()).filteredOn(line -> line.startsWith("WARNING API Analytics collector")).hasSize(1);
        assertThat(log.lines()).contains("WARNING API Analytics closed with 3 records unsent");
    }

    @Test
    void debugLogsEachBatchSent() {
        Uploader uploader = uploader(collector.config().debug(true).gzip(false));
        uploader.offer(record(1));
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(2));
        uploader.offer(record(3));
        assertThat(uploader.flush(WAIT)).isTrue();

        assertThat(log.lines()).filteredOn(line -> line.contains(" sent ")).hasSize(2).satisfiesExactly(
                line -> assertThat(line).matches("INFO API Analytics sent 1 record \\(\\d+ bytes\\) to "
                        + java.util.regex.Pattern.quote(endpoint()) + " in \\d+ ms"),
                line -> assertThat(line).matches("INFO API Analytics sent 2 records \\(\\d+ bytes\\) to "
                        + java.util.regex.Pattern.quote(endpoint()) + " in \\d+ ms"));
    }
}
