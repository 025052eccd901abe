package dev.apianalytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordQueueTest {

    private static RequestRecord record(String path) {
        return new RequestRecord("api.example.com", "203.0.113.7", path, "/items/{id}", "curl/8.5.0", "GET", 200, 153,
                null, 1_790_000_000_000L);
    }

    @Test
    void recordsComeBackEqualWhateverTheirTexts() {
        RecordQueue queue = new RecordQueue(100, 100);
        List<RequestRecord> offered = List.of(
                record("/items/1"),
                new RequestRecord("", null, "", null, "", "", 0, 0, null, 0),
                new RequestRecord("bücher.example", "2001:db8::1", "/søk/日本語/𝄞", "/søk/{q}", "Agent ☃", "PATCH",
                        599, Long.MAX_VALUE, "user ünïcødé", Long.MIN_VALUE),
                new RequestRecord("h", "i", "/p", "/r", "u", "GET", -1, -5, "", -1_000L),
                new RequestRecord("h", "i", "/p", "/r", "u", "GET", Integer.MAX_VALUE, 1L << 40, "id", 1L << 50));
        offered.forEach(queue::offer);

        List<RequestRecord> taken = new ArrayList<>();
        assertThat(queue.take(taken, 100)).isEqualTo(offered.size());

        assertThat(taken).containsExactlyElementsOf(offered);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aTextRepeatedInABatchIsOneInstance() {
        RecordQueue queue = new RecordQueue(100, 100);
        queue.offer(record("/items/1"));
        queue.offer(new RequestRecord("other.example.com", "198.51.100.1", "/other", null, "Other/1.0", "POST", 201, 1,
                "user-1", 2));
        queue.offer(record("/items/2"));

        List<RequestRecord> taken = new ArrayList<>();
        queue.take(taken, 100);

        assertThat(taken.get(2).hostname()).isSameAs(taken.get(0).hostname());
        assertThat(taken.get(2).userAgent()).isSameAs(taken.get(0).userAgent());
        assertThat(taken.get(2).route()).isSameAs(taken.get(0).route());
        assertThat(taken.get(2).path()).isEqualTo("/items/2");
        assertThat(taken.get(1).hostname()).isEqualTo("other.example.com");
    }

    @Test
    void droppingUnreadCountsAsTaken() {
        RecordQueue queue = new RecordQueue(100, 100);
        queue.offer(record("/items/1"));
        queue.offer(record("/items/2"));
        queue.offer(record("/items/3"));

        assertThat(queue.take(null, 2)).isEqualTo(2);

        List<RequestRecord> taken = new ArrayList<>();
        queue.take(taken, 100);
        assertThat(taken).containsExactly(record("/items/3"));
        assertThat(queue.markFlush()).isEqualTo(3);
    }

    @Test
    void aRecordLargerThanAChunkKeepsItsPlace() {
        RecordQueue queue = new RecordQueue(100, 100);
        String hugeAgent = "A".repeat(RecordQueue.CHUNK_CHARS * 3 + 17);
        RequestRecord huge = new RequestRecord("h", null, "/huge", null, hugeAgent, "GET", 200, 1, null, 2);
        queue.offer(record("/before"));
        queue.offer(huge);
        queue.offer(record("/after"));

        List<RequestRecord> taken = new ArrayList<>();
        queue.take(taken, 100);

        assertThat(taken).containsExactly(record("/before"), huge, record("/after"));
    }

    @Test
    void takesOldestFirstAcrossChunksAndBatches() {
        RecordQueue queue = new RecordQueue(100_000, 100_000);
        for (int i = 0; i < 20_000; i++) {
            assertThat(queue.offer(record("/items/" + i))).isEqualTo(i + 1);
        }
        List<RequestRecord> taken = new ArrayList<>();
        while (queue.take(taken, 3_000) > 0) {
            // 3,000 at a time, ending mid-chunk
        }
        assertThat(taken).extracting(RequestRecord::path).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 20_000).mapToObj(i -> "/items/" + i).toList());
    }

    @Test
    void refusesWhenFullAndAfterClosing() {
        RecordQueue queue = new RecordQueue(2, 2);
        assertThat(queue.offer(record("/1"))).isEqualTo(1);
        assertThat(queue.offer(record("/2"))).isEqualTo(2);
        assertThat(queue.offer(record("/3"))).isZero();
        assertThat(queue.offered()).isEqualTo(2);

        assertThat(queue.discardRemaining()).isEqualTo(2);

        assertThat(queue.closed()).isTrue();
        assertThat(queue.offer(record("/4"))).isZero();
        assertThat(queue.size()).isZero();
    }

    @Test
    void aRecordPastTheLimitIsRefusedAndTheQueueGoesOn() {
        RecordQueue queue = new RecordQueue(100, 100);
        queue.offer(record("/before"));
        String half = "a".repeat(RecordQueue.MAX_RECORD_CHARS / 2);
        RequestRecord absurd = new RequestRecord("h", null, half, null, half, "GET", 200, 1, null, 2);

        assertThat(queue.offer(absurd)).isEqualTo(RecordQueue.TOO_LARGE);
        queue.offer(record("/after"));

        List<RequestRecord> taken = new ArrayList<>();
        queue.take(taken, 100);
        assertThat(taken).containsExactly(record("/before"), record("/after"));
        assertThat(queue.offered()).isEqualTo(2);
    }

    @Test
    void aChunkMadeForOneLargeRecordIsLetGoOnceTheQueueEmpties() {
        RecordQueue queue = new RecordQueue(100, 100);
        queue.offer(new RequestRecord("h", null, "/large", null, "A".repeat(RecordQueue.CHUNK_CHARS * 20), "GET", 200, 1,
                null, 2));
        queue.take(new ArrayList<>(), 100);
        // light traffic: the queue empties at every take, and writers start again at a chunk's beginning
        for (int i = 0; i < 100; i++) {
            queue.offer(record("/small/" + i));
            queue.take(new ArrayList<>(), 100);
        }

        assertThat(queue.retainedChars()).isLessThanOrEqualTo(2L * RecordQueue.CHUNK_CHARS);
    }

    @Test
    void aNegativeMaximumTakesNothing() {
        RecordQueue queue = new RecordQueue(100, 100);
        queue.offer(record("/1"));

        assertThat(queue.take(new ArrayList<>(), -1)).isZero();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.markFlush()).isEqualTo(1);
    }

    @Test
    void aFlushCoversWhatWasQueuedBeforeIt() {
        RecordQueue queue = new RecordQueue(100, 100);
        queue.offer(record("/1"));
        queue.offer(record("/2"));
        queue.take(new ArrayList<>(), 1);
        queue.offer(record("/3"));

        assertThat(queue.markFlush()).isEqualTo(3);
        assertThat(queue.flushPending()).isTrue();
        queue.take(new ArrayList<>(), 10);
        assertThat(queue.flushPending()).isFalse();
    }

    @Test
    void aTakenBatchsChunksAreAllKeptForTheNextOneToBeWrittenInto() {
        String browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        RecordQueue queue = new RecordQueue(20_000, 10_000);
        for (int i = 0; i < 10_000; i++) {
            RequestRecord record = record("/orders/" + i + "/items");
            assertThat(queue.offer(new RequestRecord(record.hostname(), record.ipAddress(), record.path(), record.route(), browser,
                    record.method(), record.status(), record.responseTimeMicros(), null, record.createdAtEpochMillis()))).isPositive();
        }
        long spanned = queue.retainedChars();

        assertThat(queue.take(new ArrayList<>(), 10_000)).isEqualTo(10_000);

        // a batch of typical records spans some 50 chunks, all pooled, so writing the next allocates none
        assertThat(spanned).isGreaterThan(40L * RecordQueue.CHUNK_CHARS);
        assertThat(queue.retainedChars()).isEqualTo(spanned);
    }

    @Test
    void manyWritersAndOneReaderLoseNothingAndKeepEachWritersOrder() throws Exception {
        int writers = 4;
        int perWriter = 100_000;
        RecordQueue queue = new RecordQueue(20_000, 5_000);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> refusals = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String prefix = "/w" + w + "/";
            refusals.add(pool.submit(() -> {
                start.await();
                int refused = 0;
                for (int i = 0; i < perWriter; i++) {
                    while (queue.offer(record(prefix + i)) == 0) {
                        refused++;
                        Thread.onSpinWait();
                    }
                }
                return refused;
            }));
        }
        start.countDown();
        int[] next = new int[writers];
        List<RequestRecord> batch = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int received = 0;
        while (received < writers * perWriter && System.nanoTime() < deadline) {
            batch.clear();
            received += queue.take(batch, 5_000);
            for (RequestRecord record : batch) {
                String[] parts = record.path().split("/");
                int writer = Integer.parseInt(parts[1].substring(1));
                assertThat(Integer.parseInt(parts[2])).isEqualTo(next[writer]++);
                assertThat(record).isEqualTo(record(record.path()));
            }
        }
        pool.shutdown();
        assertThat(received).isEqualTo(writers * perWriter);
        assertThat(next).containsOnly(perWriter);
        assertThat(queue.offered()).isEqualTo(writers * perWriter);
        // what an emptied queue keeps: its pool of freed chunks and the one being written
        assertThat(queue.retainedChars()).isLessThanOrEqualTo(33L * RecordQueue.CHUNK_CHARS);
    }
}
