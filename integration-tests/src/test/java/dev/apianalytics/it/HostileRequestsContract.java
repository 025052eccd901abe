package dev.apianalytics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests that could trip analytics code, sent to the same app with and without the
 * middleware: the answers must be identical, every request that reached the app must be
 * recorded, and no exception from analytics may reach the framework. Each framework's test
 * extends this with its own app.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostileRequestsContract {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private RecordingCollector collector;
    private ItemsServer instrumented;
    private ItemsServer plain;

    /** Starts the test API, with the middleware configured by {@code config}, or without it when {@code null}. */
    abstract ItemsServer start(Config config) throws Exception;

    /** The name in the printed figures. */
    abstract String framework();

    /** The route template the framework reports for {@code /items/<id>}. */
    abstract String itemsRoute();

    @BeforeAll
    void startApps() throws Exception {
        collector = RecordingCollector.start();
        instrumented = start(Config.builder("hostile-key")
                .serverUrl(collector.url())
                .flushInterval(Duration.ofMillis(100))
                .getUserId(request -> request.header("X-Request-Id"))
                .build());
        plain = start(null);
    }

    @AfterAll
    void stopApps() {
        instrumented.stop();
        plain.stop();
        collector.close();
    }

    /** Raw request targets, as bytes on the wire: broken escapes, overlong and invalid UTF-8, raw non-ASCII bytes. */
    static Map<String, byte[]> hostileTargets() {
        Map<String, byte[]> targets = new LinkedHashMap<>();
        for (String target : List.of("/items/%FF%FE", "/items/%C3%28", "/items/%E2%82", "/items/%C0%AF",
                "/items/%ED%A0%80", "/items/%", "/items/%zz", "/items/%00", "/items/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "/items/a%2Fb", "/items/q?%FF=%FE&x=%&y=%zz", "/items/%F0%9F%98%80", "//items//x")) {
            targets.put(target, target.getBytes(StandardCharsets.US_ASCII));
        }
        targets.put("raw 0xE9 (Latin-1 é)", concat("/items/caf", new byte[] {(byte) 0xE9}));
        targets.put("raw 0xFF 0xFE", concat("/items/", new byte[] {(byte) 0xFF, (byte) 0xFE}));
        targets.put("raw UTF-8 é", "/items/café".getBytes(StandardCharsets.UTF_8));
        return targets;
    }

    @Test
    void brokenPathsAndHugeHeadersGetTheAppsOwnAnswerAndAreRecorded() throws Exception {
        Map<String, String> idsByCase = new LinkedHashMap<>();
        Map<String, Integer> statusById = new LinkedHashMap<>();
        int n = 0;
        for (Map.Entry<String, byte[]> target : hostileTargets().entrySet()) {
            String id = "path-" + n++;
            idsByCase.put(target.getKey(), id);
            statusById.put(id, assertSameAnswer(target.getKey(), target.getValue(), id));
        }
        String hugeUserAgent = randomText(16 * 1024);
        idsByCase.put("16 KB User-Agent", "ua");
        assertSameAnswer("16 KB User-Agent", bytes("/items/ua"), "ua", "User-Agent: " + hugeUserAgent);
        idsByCase.put("16 KB Cookie", "cookie");
        assertSameAnswer("16 KB Cookie", bytes("/items/cookie"), "cookie", "Cookie: c=" + randomText(16 * 1024));
        idsByCase.put("100 headers", "many");
        String[] many = new String[100];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-Filler-" + i + ": " + randomText(40);
        }
        assertSameAnswer("100 headers", bytes("/items/many"), "many", many);

        Set<String> sent = Set.copyOf(idsByCase.values());
        Set<String> reachedApp = instrumented.seenRequestIds().stream().filter(sent::contains).collect(Collectors.toSet());
        assertThat(reachedApp).as("requests that reached the app, with and without analytics")
                .isEqualTo(plain.seenRequestIds().stream().filter(sent::contains).collect(Collectors.toSet()));
        List<RecordedRequest> records = collector.awaitRecords(reachedApp.size(), WAIT,
                record -> reachedApp.contains(record.userId()));
        assertThat(records).extracting(RecordedRequest::userId).containsExactlyInAnyOrderElementsOf(reachedApp);
        RecordedRequest uaRecord = records.stream().filter(r -> "ua".equals(r.userId())).findFirst().orElseThrow();
        assertThat(uaRecord.userAgent()).isEqualTo(hugeUserAgent);
        assertThat(LogCapture.analyticsFailures()).isEmpty();

        Map<String, RecordedRequest> byId = records.stream().collect(Collectors.toMap(RecordedRequest::userId, r -> r));
        idsByCase.forEach((name, id) -> System.out.println("FIGURES [hostile, " + framework() + "] " + name + " -> "
                + (byId.containsKey(id) ? "HTTP " + byId.get(id).status() + ", recorded path " + byId.get(id).path()
                        : "HTTP " + statusById.get(id) + " from Jetty before the app, not recorded")));
    }

    @Test
    void aClientHangingUpMidResponseIsRecordedAndTheAppCarriesOn() throws Exception {
        int readBytes = 256 * 1024;
        RawHttp.Response cut = RawHttp.getAndHangUp(instrumented.port(), "/stream/cut", "cut", readBytes);
        RawHttp.Response cutPlain = RawHttp.getAndHangUp(plain.port(), "/stream/cut", "cut", readBytes);

        assertThat(cut.status()).isEqualTo(cutPlain.status()).isEqualTo(200);
        assertStreamPattern(cut.content());
        assertStreamPattern(cutPlain.content());
        await().atMost(WAIT).until(() -> instrumented.seenRequestIds().contains("cut"));
        RecordedRequest record = collector.awaitRecords(1, WAIT, r -> "cut".equals(r.userId())).get(0);
        assertThat(record.path()).isEqualTo("/stream/cut");
        // the app still serves the next request as usual
        RawHttp.Response next = RawHttp.get(instrumented.port(), bytes("/items/after-cut"), "after-cut");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.bodyText()).isEqualTo("item after-cut");
        assertThat(LogCapture.analyticsFailures()).isEmpty();
        System.out.println("FIGURES [hostile, " + framework() + "] client reset after " + readBytes + " of " + ItemsApp.STREAM_BYTES
                + " bytes -> recorded with status " + record.status());
    }

    @Test
    void throwingMappersLeaveFieldsEmptyAndResponsesUntouched() throws Exception {
        try (RecordingCollector own = RecordingCollector.start()) {
            RuntimeException broken = new IllegalStateException("a mapper bug the test provokes on purpose");
            ItemsServer app = start(Config.builder("mapper-key")
                    .serverUrl(own.url())
                    .flushInterval(Duration.ofMillis(100))
                    .getPath(request -> { throw broken; })
                    .getHostname(request -> { throw broken; })
                    .getIpAddress(request -> { throw broken; })
                    .getUserAgent(request -> { throw broken; })
                    .getUserId(request -> { throw broken; })
                    .build());
            try {
                int warningsBefore = LogCapture.analyticsWarnings().size();
                int requests = 50;
                for (int i = 0; i < requests; i++) {
                    RawHttp.Response response = RawHttp.get(app.port(), bytes("/items/m" + i), "m" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.bodyText()).isEqualTo("item m" + i);
                }
                List<RecordedRequest> records = own.awaitRecords(requests, WAIT);
                assertThat(records).hasSize(requests).allSatisfy(record -> {
                    assertThat(record.path()).isEmpty();
                    assertThat(record.hostname()).isEmpty();
                    assertThat(record.ipAddress()).isNull();
                    assertThat(record.userAgent()).isEmpty();
                    assertThat(record.userId()).isNull();
                    assertThat(record.route()).isEqualTo(itemsRoute());
                    assertThat(record.status()).isEqualTo(200);
                });
                List<String> warnings = LogCapture.analyticsWarnings();
                long mapperWarnings = warnings.subList(warningsBefore, warnings.size()).stream()
                        .filter(message -> message.contains("mapper")).count();
                // rate-limited: one line a minute, not one per request (other tests in this JVM share the limiter)
                assertThat(mapperWarnings).isLessThanOrEqualTo(1);
                assertThat(LogCapture.analyticsFailures()).isEmpty();
                System.out.println("FIGURES [hostile, " + framework() + "] 5 throwing mappers x " + requests + " requests -> " + records.size()
                        + " records, " + mapperWarnings + " warning line(s)");
            } finally {
                app.stop();
            }
        }
    }

    private int assertSameAnswer(String name, byte[] target, String id, String... headers) throws Exception {
        RawHttp.Response withAnalytics = RawHttp.get(instrumented.port(), target, id, headers);
        RawHttp.Response without = RawHttp.get(plain.port(), target, id, headers);
        assertThat(withAnalytics.status()).as(name).isEqualTo(without.status());
        assertThat(withAnalytics.bodyText()).as(name).isEqualTo(without.bodyText());
        return withAnalytics.status();
    }

    private static void assertStreamPattern(byte[] content) {
        assertThat(content.length).isPositive();
        for (int i = 0; i < content.length; i++) {
            if (content[i] != ItemsApp.streamByte(i)) {
                throw new AssertionError("streamed byte " + i + " was changed");
            }
        }
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(String prefix, byte[] suffix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(prefix));
        out.writeBytes(suffix);
        return out.toByteArray();
    }

    private static String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
