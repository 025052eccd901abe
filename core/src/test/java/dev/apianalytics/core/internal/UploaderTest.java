package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats;
import dev.apianalytics.core.UploaderStats.PostOutcome;
import dev.apianalytics.core.ShutdownHookMain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UploaderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestCollector collector;
    private final List<Uploader> uploaders = new ArrayList<>();

    @BeforeEach
    void startCollector() throws Exception {
        collector = TestCollector.start();
    }

    @AfterEach
    void stopEverything() {
        collector.release();
        uploaders.forEach(uploader -> uploader.close(Duration.ofMillis(100)));
        collector.close();
    }

    private Uploader uploader(Config.Builder config) {
        Uploader uploader = new Uploader(config.build(), "Javalin");
        uploaders.add(uploader);
        return uploader;
    }

    private static RequestRecord record(int id) {
        return new RequestRecord("api.example.com", "203.0.113.7", "/items/" + id, "/items/{id}",
                "curl/8.5.0", "GET", 200, 153, null, 1_790_000_000_000L);
    }

    private static List<String> paths(List<JsonObject> records) {
        return records.stream().map(r -> r.get("path").getAsString()).toList();
    }

    /** The record counters alone: post durations differ run by run. */
    private static UploaderStats counters(UploaderStats stats) {
        return new UploaderStats(stats.enqueued(), stats.sent(), stats.dropped(), stats.retried(), stats.failed(), stats.queued(),
                stats.droppedQueueFull());
    }

    private static List<String> expectedPaths(int count) {
        return IntStream.range(0, count).mapToObj(i -> "/items/" + i).toList();
    }

    @Test
    void aFullBatchIsSentWithoutWaitingForTheTimer() {
        Uploader uploader = uploader(collector.config().batchSize(10));

        for (int i = 0; i < 25; i++) {
            uploader.offer(record(i));
        }

        await().atMost(WAIT).until(() -> collector.accepted().size() == 20);
        assertThat(collector.posts()).allSatisfy(post -> assertThat(post.records()).hasSize(10));
        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(collector.posts()).hasSize(3);
        assertThat(collector.posts().get(2).records()).hasSize(5);
        assertThat(paths(collector.accepted())).containsExactlyElementsOf(expectedPaths(25));
    }

    @Test
    void anAbsurdlyLargeRequestIsDroppedAndCountedWhileTheOthersAreSent() {
        Uploader uploader = uploader(collector.config());
        String megabyteOfPath = "/" + "a".repeat(RecordQueue.MAX_RECORD_CHARS);

        uploader.offer(record(0));
        uploader.offer(new RequestRecord("api.example.com", null, megabyteOfPath, null, "curl/8.5.0", "GET", 200, 1, null,
                1_790_000_000_000L));
        uploader.offer(record(1));

        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(paths(collector.accepted())).containsExactly("/items/0", "/items/1");
        // dropped, but not for a full queue
        assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(2, 2, 1, 0, 0, 0, 0));
    }

    @Test
    void aPartialBatchIsSentWhenTheFlushIntervalPasses() {
        Uploader uploader = uploader(collector.config().flushInterval(Duration.ofMillis(50)));

        for (int i = 0; i < 3; i++) {
            uploader.offer(record(i));
        }

        await().atMost(WAIT).until(() -> uploader.stats().sent() == 3);
        assertThat(collector.posts()).hasSize(1);
        assertThat(paths(collector.accepted())).containsExactlyElementsOf(expectedPaths(3));
        assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(3, 3, 0, 0, 0, 0, 0));
        assertThat(uploader.stats().posts(PostOutcome.ACCEPTED).count()).isEqualTo(1);
    }

    @Test
    void batchesAreGzippedJsonPostedToTheLogRequestEndpoint() {
        Uploader uploader = uploader(collector.config());
        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue();

        TestCollector.Post post = collector.posts().get(0);
        assertThat(post.path()).isEqualTo("/api/log-request");
        assertThat(post.headers().get("Content-encoding")).containsExactly("gzip");
        assertThat(post.headers().get("Content-type")).containsExactly("application/json");
        assertThat(post.body().get("framework").getAsString()).isEqualTo("Javalin");
    }

    @Test
    void theCompactFormIsSentOnlyAfterTheCollectorOffersItAndOnlyWhileItDoes() {
        Uploader uploader = uploader(collector.config().batchSize(1));
        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue();
        collector.offerCompact(true);
        uploader.offer(record(1)); // answered with the offer
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(2));
        assertThat(uploader.flush(WAIT)).isTrue();
        collector.offerCompact(false);
        uploader.offer(record(3)); // the last answer without it
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(4));
        assertThat(uploader.flush(WAIT)).isTrue();

        assertThat(collector.posts()).extracting(TestCollector.Post::isCompact).containsExactly(false, false, true, true, false);
        assertThat(paths(collector.accepted())).containsExactly("/items/0", "/items/1", "/items/2", "/items/3", "/items/4");
        JsonObject sameButThePath = collector.accepted().get(1).deepCopy();
        sameButThePath.addProperty("path", "/items/2");
        assertThat(collector.accepted().get(2)).isEqualTo(sameButThePath);
    }

    @Test
    void aCompactPostRefusedAs400ByACollectorThatNoLongerOffersItIsSentAgainAtOnceAsTheFamilysJson() {
        collector.offerCompact(true);
        Uploader uploader = uploader(collector.config().batchSize(1));
        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue();
        collector.offerCompact(false); // another collector behind the same URL
        collector.script(TestCollector.Reply.of(400));
        uploader.offer(record(1));
        assertThat(uploader.flush(WAIT)).isTrue();

        List<TestCollector.Post> posts = collector.posts();
        assertThat(posts).extracting(TestCollector.Post::isCompact).containsExactly(false, true, false);
        assertThat(posts).extracting(TestCollector.Post::answeredStatus).containsExactly(201, 400, 201);
        assertThat(posts.get(2).headers().get("Idempotency-key")).isNotEqualTo(posts.get(1).headers().get("Idempotency-key"));
        assertThat(paths(collector.accepted())).containsExactly("/items/0", "/items/1");
        assertThat(uploader.stats().sent()).isEqualTo(2);
        assertThat(uploader.stats().failed()).isZero();
    }

    @Test
    void anyRefusalOfACompactPostByACollectorThatNoLongerOffersItSendsTheFamilysJson() {
        collector.offerCompact(true);
        Uploader uploader = uploader(collector.config().batchSize(1));
        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue();
        collector.offerCompact(false);
        collector.script(TestCollector.Reply.of(415), TestCollector.Reply.of(404));
        uploader.offer(record(1)); // 415 to the compact post, then 404 to the JSON: given up
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(2)); // JSON from the start, as the last answer did not offer the form
        assertThat(uploader.flush(WAIT)).isTrue();

        assertThat(collector.posts()).extracting(TestCollector.Post::isCompact).containsExactly(false, true, false, false);
        assertThat(collector.posts()).extracting(TestCollector.Post::answeredStatus).containsExactly(201, 415, 404, 201);
        assertThat(paths(collector.accepted())).containsExactly("/items/0", "/items/2");
    }

    @Test
    void aCompactPostRefusedAs400ByACollectorStillOfferingItIsNotSentAgain() {
        collector.offerCompact(true);
        Uploader uploader = uploader(collector.config().batchSize(1));
        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue();
        collector.script(TestCollector.Reply.of(400)); // a refusal of this batch, not of the form
        uploader.offer(record(1));
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(2));
        assertThat(uploader.flush(WAIT)).isTrue();

        assertThat(collector.posts()).extracting(TestCollector.Post::isCompact).containsExactly(false, true, true);
        assertThat(collector.posts()).extracting(TestCollector.Post::answeredStatus).containsExactly(201, 400, 201);
        assertThat(paths(collector.accepted())).containsExactly("/items/0", "/items/2");
        assertThat(uploader.stats().failed()).isEqualTo(1);
    }

    @Test
    void withGzipOffTheBodyIsPlainJsonAndAServerPathPrefixIsKept() {
        Uploader uploader = uploader(collector.config().gzip(false).serverUrl(collector.url() + "/analytics/"));
        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue();

        TestCollector.Post post = collector.posts().get(0);
        assertThat(post.path()).isEqualTo("/analytics/api/log-request");
        assertThat(post.headers()).doesNotContainKey("Content-encoding");
        assertThat(paths(post.records())).containsExactly("/items/0");
    }

    @Test
    void whenTheCollectorIsDownForAWhileEveryQueuedRecordArrivesExactlyOnce() throws Exception {
        collector.down();
        Uploader uploader;
        try (CapturedLog log = CapturedLog.capture()) {
            uploader = uploader(collector.config()
                    .batchSize(50)
                    .queueCapacity(1_000)
                    .flushInterval(Duration.ofMillis(20)));

            for (int i = 0; i < 300; i++) {
                uploader.offer(record(i));
            }
            await().atMost(WAIT).until(() -> uploader.stats().retried() >= 5);
            // the outage is reported, but not once per attempt
            assertThat(log.warnings()).filteredOn(w -> w.contains("unreachable")).hasSize(1);
        }
        collector.up();

        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(paths(collector.accepted())).containsExactlyElementsOf(expectedPaths(300));
        UploaderStats stats = uploader.stats();
        assertThat(stats.sent()).isEqualTo(300);
        assertThat(stats.dropped()).isZero();
        assertThat(stats.failed()).isZero();
        // every attempt that found no collector was retried; then every post the collector saw was taken
        assertThat(stats.posts(PostOutcome.ERROR).count()).isEqualTo(stats.retried());
        assertThat(stats.posts(PostOutcome.ACCEPTED).count()).isEqualTo(collector.posts().size());
    }

    @Test
    void a429IsRetriedNoSoonerThanRetryAfterSays() {
        collector.script(new TestCollector.Reply(429, "1", "{\"status\":429,\"message\":\"slow down\"}"));
        Uploader uploader = uploader(collector.config());

        uploader.offer(record(0));

        assertThat(uploader.flush(WAIT)).isTrue();
        List<TestCollector.Post> posts = collector.posts();
        assertThat(posts).extracting(TestCollector.Post::answeredStatus).containsExactly(429, 201);
        // a lower bound set by the protocol, not a performance figure: the backoff alone is 5 ms
        assertThat(posts.get(1).receivedNanos() - posts.get(0).receivedNanos())
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
        assertThat(paths(collector.accepted())).containsExactly("/items/0");
        assertThat(uploader.stats().retried()).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedUntilTheCollectorAccepts() {
        collector.script(TestCollector.Reply.of(500), TestCollector.Reply.of(503), TestCollector.Reply.of(502));
        Uploader uploader = uploader(collector.config());

        uploader.offer(record(0));

        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(collector.posts()).extracting(TestCollector.Post::answeredStatus).containsExactly(500, 503, 502, 201);
        assertThat(paths(collector.accepted())).containsExactly("/items/0");
        UploaderStats stats = uploader.stats();
        assertThat(counters(stats)).isEqualTo(new UploaderStats(1, 1, 0, 3, 0, 0, 0));
        assertThat(stats.postsByOutcome().keySet()).containsOnly(PostOutcome.RETRY, PostOutcome.ACCEPTED);
        assertThat(stats.posts(PostOutcome.RETRY).count()).isEqualTo(3);
        assertThat(stats.posts(PostOutcome.ACCEPTED).count()).isEqualTo(1);
        assertThat(stats.posts().count()).isEqualTo(4);
        assertThat(stats.posts().totalNanos()).isEqualTo(stats.posts(PostOutcome.RETRY).totalNanos()
                + stats.posts(PostOutcome.ACCEPTED).totalNanos()).isPositive();
        assertThat(stats.posts().lastNanos()).isEqualTo(stats.posts(PostOutcome.ACCEPTED).lastNanos()).isPositive();
    }

    @Test
    void everyAttemptOfABatchCarriesTheSameIdempotencyKeyAndEachBatchItsOwn() {
        collector.script(TestCollector.Reply.of(503), TestCollector.Reply.of(500));
        Uploader uploader = uploader(collector.config().batchSize(1));

        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue();
        uploader.offer(record(1));
        assertThat(uploader.flush(WAIT)).isTrue();

        List<TestCollector.Post> posts = collector.posts();
        assertThat(posts).extracting(TestCollector.Post::answeredStatus).containsExactly(503, 500, 201, 201);
        List<String> keys = posts.stream().map(post -> post.headers().get("Idempotency-key").get(0)).toList();
        assertThat(keys.get(0)).isEqualTo(keys.get(1)).isEqualTo(keys.get(2));
        assertThat(keys.get(3)).isNotEqualTo(keys.get(0));
        assertThat(keys).allSatisfy(key -> assertThat(java.util.UUID.fromString(key).version()).isEqualTo(4));
    }

    @Test
    void retryingStopsAfterMaxRetryDurationAndTheBatchCountsAsFailed() {
        for (int i = 0; i < 1_000; i++) {
            collector.script(TestCollector.Reply.of(503));
        }
        Uploader uploader = uploader(collector.config().maxRetryDuration(Duration.ofMillis(200)));

        uploader.offer(record(0));

        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(uploader.stats().failed()).isEqualTo(1);
        assertThat(uploader.stats().sent()).isZero();
        assertThat(collector.accepted()).isEmpty();
    }

    @Test
    void aRejectedBatchIsDroppedWithoutRetryAndLoggedOnceWithTheCollectorsMessage() {
        for (int i = 0; i < 3; i++) {
            collector.script(new TestCollector.Reply(400, null, "{\"status\":400,\"message\":\"framework is too long\"}"));
        }
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().batchSize(1));
            for (int i = 0; i < 3; i++) {
                uploader.offer(record(i));
            }

            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(collector.posts()).hasSize(3);
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(3, 0, 0, 0, 3, 0, 0));
            assertThat(uploader.stats().postsByOutcome().keySet()).containsOnly(PostOutcome.REFUSED);
            assertThat(uploader.stats().posts(PostOutcome.REFUSED).count()).isEqualTo(3);
            assertThat(log.warnings()).filteredOn(w -> w.contains("refused")).singleElement()
                    .asString().contains("HTTP 400").contains("framework is too long");
        }
    }

    @Test
    void aLongAnswerIsReadNoFurtherThanItsStartWhichTheWarningQuotes() {
        String endless = "x".repeat(4_000_000);
        collector.script(new TestCollector.Reply(201, null, "{\"accepted\":\"" + endless + "\"}"),
                new TestCollector.Reply(400, null, "{\"status\":400,\"message\":\"" + endless + "\"}"));
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().batchSize(1));
            uploader.offer(record(0));
            uploader.offer(record(1));

            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(2, 1, 0, 0, 1, 0, 0));
            assertThat(log.warnings()).filteredOn(w -> w.contains("refused")).singleElement().asString()
                    .contains("HTTP 400").contains("{\"status\":400,\"message\":\"xxx").contains("xxx...")
                    .hasSizeLessThan(1_000);
        }
    }

    private static TestCollector.Reply tooLarge(String message) {
        return new TestCollector.Reply(413, null, "{\"status\":413,\"message\":\"" + message + "\"}");
    }

    /** Offers the records {@code from} (inclusive) to {@code to} (exclusive), paths {@code /items/<i>}. */
    private static void offerRecords(Uploader uploader, int from, int to) {
        for (int i = from; i < to; i++) {
            uploader.offer(record(i));
        }
    }

    private static List<Object> sizesAndStatuses(List<TestCollector.Post> posts) {
        return posts.stream().map(post -> (Object) (post.records().size() + ":" + post.answeredStatus())).toList();
    }

    @Test
    void postsPastTheCollectorsRowLimitAreSentInHalvesAndLaterPostsKeepToTheSizeThatPassed() {
        collector.rule(records -> records.size() > 30 ? tooLarge("a post may carry at most 30 requests") : null);
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().batchSize(100));
            offerRecords(uploader, 0, 200);

            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(sizesAndStatuses(collector.posts())).containsExactly(
                    "100:413", "50:413", "25:201", "25:201", "25:201", "25:201", // the first batch finds the limit
                    "25:201", "25:201", "25:201", "25:201"); // the second keeps to it without a refused post
            assertThat(paths(collector.accepted())).containsExactlyElementsOf(expectedPaths(200));
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(200, 200, 0, 0, 0, 0, 0));
            assertThat(log.warnings()).filteredOn(w -> w.contains("413")).singleElement().asString()
                    .contains("refused a post of 50 records as too large").contains("at most 30 requests")
                    .contains("sending at most 25 records a post for the next 10 minutes");
        }
    }

    @Test
    void aRecordTooLargeOnItsOwnSinksOnlyItselfAndTeachesNoLimit() {
        collector.rule(records -> records.stream().anyMatch(r -> r.get("path").getAsString().equals("/items/37"))
                ? tooLarge("a string is longer than 65536 characters") : null);
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().batchSize(100));
            offerRecords(uploader, 0, 100);
            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(paths(collector.accepted())).containsExactlyInAnyOrderElementsOf(
                    expectedPaths(100).stream().filter(path -> !path.equals("/items/37")).toList());
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(100, 99, 0, 0, 1, 0, 0));
            assertThat(collector.posts()).hasSizeLessThan(20);
            assertThat(log.warnings()).noneMatch(w -> w.contains("a post for the next"));
            assertThat(log.warnings()).filteredOn(w -> w.contains("413")).singleElement().asString()
                    .contains("refused 1 record of a batch of 100 as too large").contains("65536");

            int before = collector.posts().size();
            offerRecords(uploader, 100, 200);
            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(sizesAndStatuses(collector.posts().subList(before, collector.posts().size())))
                    .as("the next batch goes whole").containsExactly("100:201");
        }
    }

    @Test
    void tenBadRecordsInABatchSinkOnlyThemselves() {
        List<String> bad = IntStream.range(0, 10).mapToObj(i -> "/items/" + (i * 197 + 13)).toList();
        collector.rule(records -> records.stream().anyMatch(r -> bad.contains(r.get("path").getAsString()))
                ? tooLarge("a string is longer than 65536 characters") : null);
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().batchSize(2000));
            offerRecords(uploader, 0, 2000);

            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(2000, 1990, 0, 0, 10, 0, 0));
            assertThat(collector.posts()).hasSizeLessThan(400);
            assertThat(log.warnings()).filteredOn(w -> w.contains("413")).singleElement().asString()
                    .contains("refused 10 records of a batch of 2000 as too large");
        }
    }

    @Test
    void aCollectorRefusingEveryPostAsTooLargeGetsABoundedNumberOfPostsABatch() {
        collector.rule(records -> tooLarge("nothing passes"));
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().batchSize(1000));
            offerRecords(uploader, 0, 1000);

            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(1000, 0, 0, 0, 1000, 0, 0));
            assertThat(collector.posts()).as("not one post a record").hasSizeBetween(40, 100);
            assertThat(log.warnings()).filteredOn(w -> w.contains("413")).singleElement().asString()
                    .contains("refused 1000 records of a batch of 1000 as too large");

            collector.rule(records -> null);
            uploader.offer(record(1000));
            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(uploader.stats().sent()).isEqualTo(1);
        }
    }

    @Test
    void aTooLargeAnswerAfterAttemptsThatCannotHaveBeenStoredIsSplit() throws Exception {
        collector.offerCompact(true); // our collector's header: its own 503 is sent before anything is stored
        collector.script(TestCollector.Reply.of(503), tooLarge("a post may carry at most 60 requests"));
        collector.down();
        Uploader uploader = uploader(collector.config().batchSize(100));
        offerRecords(uploader, 0, 100);
        Thread.sleep(100); // a refused connection or two first
        collector.up();

        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(sizesAndStatuses(collector.posts())).containsExactly("100:503", "100:413", "50:201", "50:201");
        assertThat(uploader.stats().sent()).isEqualTo(100);
    }

    @Test
    void aTooLargeAnswerAfterAProxysServerErrorIsNotSplit() {
        collector.script(TestCollector.Reply.of(502), tooLarge("a post may carry at most 30 requests"));
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().batchSize(100));
            offerRecords(uploader, 0, 100);

            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(sizesAndStatuses(collector.posts())).containsExactly("100:502", "100:413");
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(100, 0, 0, 1, 100, 0, 0));
            assertThat(log.warnings()).anyMatch(w -> w.contains("not sent again in parts"));
        }
    }

    @Test
    void aProxysTooLargeAnswerToACompactPostKeepsTheHalvesCompact() {
        collector.offerCompact(true);
        Uploader uploader = uploader(collector.config().batchSize(100));
        uploader.offer(record(0));
        assertThat(uploader.flush(WAIT)).isTrue(); // the collector's answer offers the compact form
        collector.script(new TestCollector.Reply(413, null, "<html>413 Request Entity Too Large</html>", true));
        offerRecords(uploader, 1, 101);

        assertThat(uploader.flush(WAIT)).isTrue();
        List<TestCollector.Post> posts = collector.posts();
        assertThat(sizesAndStatuses(posts)).containsExactly("1:201", "100:413", "50:201", "50:201");
        assertThat(posts.subList(1, 4)).allMatch(TestCollector.Post::isCompact);
        assertThat(uploader.stats().sent()).isEqualTo(101);
    }

    @Test
    void theRetryTimeIsTheBatchsNotEachPosts() {
        collector.rule(records -> records.size() > 10 ? tooLarge("at most 10") : null);
        Uploader uploader = uploader(collector.config().batchSize(40).maxRetryDuration(Duration.ofMillis(300)));
        offerRecords(uploader, 0, 40);
        assertThat(uploader.flush(WAIT)).isTrue(); // learns the limit: posts of 10

        collector.rule(records -> TestCollector.Reply.of(503));
        int before = collector.posts().size();
        long started = System.nanoTime();
        offerRecords(uploader, 40, 80);
        assertThat(uploader.flush(WAIT)).isTrue();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(uploader.stats().failed()).isEqualTo(40);
        assertThat(collector.posts().subList(before, collector.posts().size()))
                .as("the batch's other posts are given up with the first").allMatch(post -> post.records().size() == 10)
                .allMatch(post -> post.records().get(0).get("path").getAsString().equals("/items/40"));
    }

    @Test
    void aFullQueueDropsAndCountsAndWarnsOnce() {
        collector.stall();
        try (CapturedLog log = CapturedLog.capture()) {
            Uploader uploader = uploader(collector.config().queueCapacity(10).batchSize(5));

            for (int i = 0; i < 100; i++) {
                uploader.offer(record(i));
            }

            UploaderStats stats = uploader.stats();
            assertThat(stats.enqueued() + stats.dropped()).isEqualTo(100);
            // at most one batch in flight plus a full queue got through
            assertThat(stats.dropped()).isGreaterThanOrEqualTo(85);
            assertThat(log.warnings()).filteredOn(w -> w.contains("queue is full")).hasSize(1);

            collector.release();
            assertThat(uploader.flush(WAIT)).isTrue();
            assertThat(collector.accepted()).hasSize((int) stats.enqueued());
        }
    }

    @Test
    void flushGivesUpAtItsDeadlineAndSucceedsOnceTheCollectorAnswers() {
        collector.stall();
        Uploader uploader = uploader(collector.config());
        uploader.offer(record(0));

        assertThat(uploader.flush(Duration.ofMillis(200))).isFalse();

        collector.release();
        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(paths(collector.accepted())).containsExactly("/items/0");
    }

    @Test
    void flushWithNothingQueuedReturnsAtOnce() {
        Uploader uploader = uploader(collector.config());
        assertThat(uploader.flush(Duration.ZERO)).isTrue();
    }

    @Test
    void closeSendsWhatIsQueuedIsIdempotentAndRefusesLaterRecords() {
        Uploader uploader = uploader(collector.config());
        for (int i = 0; i < 7; i++) {
            uploader.offer(record(i));
        }

        uploader.close();
        uploader.close();
        uploader.offer(record(7));

        assertThat(paths(collector.accepted())).containsExactlyElementsOf(expectedPaths(7));
        assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(7, 7, 1, 0, 0, 0, 0));
        assertThat(uploader.flush(Duration.ZERO)).isTrue();
    }

    @Test
    void closeKeepsToItsDeadlineWhenTheCollectorHangs() throws Exception {
        collector.stall();
        Uploader uploader = uploader(collector.config().batchSize(2));
        for (int i = 0; i < 5; i++) {
            uploader.offer(record(i));
        }

        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            caller.submit(() -> uploader.close(Duration.ofMillis(300))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            caller.shutdownNow();
        }

        // close() has returned; the interrupted upload settles its batch a moment later
        await().atMost(WAIT).until(() -> uploader.stats().failed() + uploader.stats().dropped() == 5);
        UploaderStats stats = uploader.stats();
        assertThat(stats.sent()).isZero();
        assertThat(stats.queued()).isZero();
    }

    /** A collector that answers the status line and headers at once, then a few bytes of a promised body, and stops. */
    private static ServerSocket stallingInItsBody(String status, List<Socket> held) throws IOException {
        return ScriptedCollector.answering("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{\"ok\":", held);
    }

    private Uploader uploaderPostingTo(ServerSocket collector) {
        return uploader(Config.builder("test-key")
                .serverUrl("http://127.0.0.1:" + collector.getLocalPort())
                .flushInterval(Duration.ofHours(1))
                .flushOnShutdown(false)
                .initialBackoff(Duration.ofMillis(5))
                .requestTimeout(Duration.ofMillis(300))
                .maxRetryDuration(Duration.ofSeconds(1)));
    }

    /** Each attempt given up let go of its connection rather than leave it to the collector. */
    private static void assertEveryConnectionEnded(List<Socket> held) {
        assertThat(held).isNotEmpty().allSatisfy(socket -> {
            socket.setSoTimeout(5_000);
            assertThat(socket.getInputStream().readAllBytes()).as("the rest of a post, then the end of the stream").isNotNull();
            socket.close();
        });
    }

    @Test
    void aCollectorThatStallsInItsBodyAfterA201CostsARequestTimeoutAndHasTheBatch() throws Exception {
        List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket stalling = stallingInItsBody("201 Created", held)) {
            Uploader uploader = uploaderPostingTo(stalling);
            uploader.offer(record(0));

            long start = System.nanoTime();
            assertThat(uploader.flush(WAIT)).isTrue();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(counters(uploader.stats())).isEqualTo(new UploaderStats(1, 1, 0, 0, 0, 0, 0));
            assertEveryConnectionEnded(held);
        }
    }

    @Test
    void aCollectorThatStallsInItsBodyAfterA503IsRetriedUntilTheRetryTimeRunsOut() throws Exception {
        List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket stalling = stallingInItsBody("503 Service Unavailable", held)) {
            Uploader uploader = uploaderPostingTo(stalling);
            uploader.offer(record(0));

            long start = System.nanoTime();
            assertThat(uploader.flush(WAIT)).isTrue();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(uploader.stats().failed()).isEqualTo(1);
            assertThat(uploader.stats().retried()).isPositive();
            assertThat(held).hasSizeGreaterThan(1);
            assertEveryConnectionEnded(held);
        }
    }

    @Test
    void manyThreadsOfferingWhileTheCollectorStallsAllReturn() throws Exception {
        collector.stall();
        Uploader uploader = uploader(collector.config().queueCapacity(1_000).batchSize(100));
        int threads = 8;
        int perThread = 20_000;

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> offers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                offers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        uploader.offer(record(thread * perThread + i));
                    }
                }));
            }
            for (Future<?> offer : offers) {
                // returning at all is the assertion: a blocked offer would hang here until the stall ends
                offer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        UploaderStats stats = uploader.stats();
        assertThat(stats.enqueued() + stats.dropped()).isEqualTo((long) threads * perThread);
        assertThat(stats.dropped()).isPositive();
        collector.release();
        assertThat(uploader.flush(WAIT)).isTrue();
        assertThat(collector.accepted()).hasSize((int) stats.enqueued());
    }

    @Test
    void theShutdownHookDeliversWhatAnApplicationLeftQueued() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process app = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ShutdownHookMain.class.getName(), collector.url())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();

        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("the application exits").isTrue();
        assertThat(app.exitValue()).isZero();
        assertThat(paths(collector.accepted())).containsExactly("/hook/0", "/hook/1", "/hook/2", "/hook/3", "/hook/4");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(Uploader.parseRetryAfter("120")).contains(Duration.ofSeconds(120));
        assertThat(Uploader.parseRetryAfter(" 0 ")).contains(Duration.ZERO);
        assertThat(Uploader.parseRetryAfter("-3")).contains(Duration.ZERO);
        assertThat(Uploader.parseRetryAfter("99999999")).contains(Duration.ofHours(1));
        assertThat(Uploader.parseRetryAfter("soon")).isEmpty();
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        assertThat(Uploader.parseRetryAfter(inAMinute).orElseThrow()).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(61));
    }

    @Test
    void theEndpointKeepsAnyPathPrefix() {
        assertThat(Uploader.endpoint(java.net.URI.create("http://localhost:8421")).toString())
                .isEqualTo("http://localhost:8421/api/log-request");
        assertThat(Uploader.endpoint(java.net.URI.create("https://example.com/analytics/")).toString())
                .isEqualTo("https://example.com/analytics/api/log-request");
    }

}
