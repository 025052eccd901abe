package dev.apianalytics.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.apianalytics.server.summary.SummaryJob;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB's group commit writes two groups at once on connections it keeps: what happens to them
 * when a commit fails, when the storage closes mid-group, and beside the other writers of the tables.
 */
class DuckDbWritersTest {

    private static final java.time.Instant T0 = StorageContractTest.T0;

    @TempDir
    Path dataDir;

    @Test
    void aGroupWhoseCommitFailsLeavesLaterGroupsStoredAndAnsweredAsOne() throws Exception {
        try (DuckDbStorage storage = open()) {
            long key = storage.createKey("k", T0);
            HeldRows held = new HeldRows(rows(2));
            CompletableFuture<Optional<BatchOutcome>> first = async(() -> storage.insertBatch(key, "X", held, 0, T0));
            assertThat(held.entered.await(10, TimeUnit.SECONDS)).isTrue();
            claimOnAnotherConnection(storage, key, "X"); // the group's commit now meets a duplicate key
            held.release.countDown();
            assertThat(catchThrowable(() -> first.get(10, TimeUnit.SECONDS))).as("the group's commit").isNotNull();
            assertThat(storage.countRequests(key, RequestFilter.ALL)).isZero();

            storage.insertRequests(key, rows(3));
            assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(3);
            assertThat(storage.insertBatch(key, "Y", rows(4), 0, T0)).isEmpty();
            assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(7);
            assertThat(storage.insertBatch(key, "Y", rows(4), 0, T0)).hasValue(new BatchOutcome(4, 0));
            assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(7);
        }
    }

    @Test
    void closingWhileAGroupIsWrittenReleasesTheFileForAnotherProcess() throws Exception {
        DuckDbStorage storage = open();
        long key = storage.createKey("k", T0);
        HeldRows held = new HeldRows(rows(2));
        CompletableFuture<Void> writing = async(() -> {
            storage.insertRequests(key, held);
            return null;
        });
        assertThat(held.entered.await(10, TimeUnit.SECONDS)).isTrue();
        storage.close();
        held.release.countDown();
        catchThrowable(() -> writing.get(10, TimeUnit.SECONDS)); // stored or refused: either is fine once closed
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DuckDbStorageTest.LockProbe.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        String probe = new String(other.getInputStream().readAllBytes());
        other.waitFor();
        assertThat(probe).contains("opened");
    }

    @Test
    void deletionsWhileTwoGroupsAreOpenLeaveBothGroupsCommitted() throws Exception {
        try (DuckDbStorage storage = open()) {
            long key = storage.createKey("k", T0);
            storage.insertBatch(key, "old", rows(5), 0, T0);
            storage.insertRequests(key, rows(5));
            HeldRows first = new HeldRows(rows(3));
            HeldRows second = new HeldRows(rows(4));
            CompletableFuture<Optional<BatchOutcome>> one = async(() -> storage.insertBatch(key, "A", first, 0, T0.plusSeconds(5)));
            assertThat(first.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Optional<BatchOutcome>> two = async(() -> storage.insertBatch(key, "B", second, 0, T0.plusSeconds(5)));
            assertThat(second.entered.await(10, TimeUnit.SECONDS)).as("a second group open at once").isTrue();

            assertThat(storage.forgetBatchesBefore(T0.plusSeconds(1))).isEqualTo(1);
            assertThat(storage.deleteData(key)).isEqualTo(10);
            try (Connection connection = storage.connection();
                    PreparedStatement clear = connection.prepareStatement("DELETE FROM late_hours WHERE key_id = ?")) {
                clear.setLong(1, key);
                clear.executeUpdate();
            }
            first.release.countDown();
            second.release.countDown();
            assertThat(one.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(two.get(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(7);
            storage.insertRequests(key, rows(1));
            assertThat(storage.deleteData(key)).isEqualTo(8);
        }
    }

    @Test
    void aRetryWhileItsBatchIdIsBeingForgottenDoesNotSpoilLaterGroups() throws Exception {
        try (DuckDbStorage storage = open()) {
            long key = storage.createKey("k", T0);
            assertThat(storage.insertBatch(key, "X", rows(2), 1, T0)).isEmpty();
            try (Connection deleting = storage.connection()) {
                deleting.setAutoCommit(false);
                try (PreparedStatement delete = deleting.prepareStatement("DELETE FROM ingest_batches WHERE created_at < ?")) {
                    delete.setObject(1, Storage.utc(T0.plusSeconds(1)));
                    assertThat(delete.executeUpdate()).isEqualTo(1);
                }
                // answered as before, or refused for the uploader to retry: either way not a failure of later groups
                Throwable retry = catchThrowable(() -> storage.insertBatch(key, "X", rows(2), 1, T0));
                assertThat(retry).satisfiesAnyOf(r -> assertThat(r).isNull(), r -> assertThat(r).isInstanceOf(SQLException.class));
                deleting.commit();
                long before = storage.countRequests(key, RequestFilter.ALL);
                storage.insertRequests(key, rows(1));
                assertThat(storage.insertBatch(key, "Z", rows(2), 0, T0)).isEmpty();
                assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(before + 3);
            }
        }
    }

    private DuckDbStorage open() throws SQLException {
        DuckDbStorage storage = DuckDbStorage.open(dataDir, SummaryJob.LATE_AFTER);
        storage.migrate(Schema.migrations());
        return storage;
    }

    private static List<StoredRequest> rows(int n) {
        List<StoredRequest> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(StorageContractTest.row(T0.plusMillis(i), "h", null, 200, null, null));
        }
        return rows;
    }

    private static void claimOnAnotherConnection(DuckDbStorage storage, long key, String batchId) throws SQLException {
        try (Connection other = storage.connection(); PreparedStatement insert = other.prepareStatement(
                "INSERT INTO ingest_batches (key_id, batch_id, accepted, rejected, created_at) VALUES (?, ?, 1, 0, ?)")) {
            insert.setLong(1, key);
            insert.setString(2, batchId);
            insert.setObject(3, Storage.utc(T0));
            insert.executeUpdate();
        }
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private static <T> CompletableFuture<T> async(SqlCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Rows whose first read (after the batch id is claimed, inside the group's turn) waits for the test. */
    private static final class HeldRows extends AbstractList<StoredRequest> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final List<StoredRequest> rows;

        HeldRows(List<StoredRequest> rows) {
            this.rows = rows;
        }

        @Override
        public StoredRequest get(int index) {
            if (entered.getCount() > 0) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return rows.get(index);
        }

        @Override
        public int size() {
            return rows.size();
        }
    }
}
