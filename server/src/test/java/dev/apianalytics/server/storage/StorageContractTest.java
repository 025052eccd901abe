package dev.apianalytics.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What every {@link Storage} must do, run against DuckDB and PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StorageContractTest {

    static final Instant T0 = Instant.parse("2025-03-01T08:00:00.123456Z");

    Storage storage;

    abstract Storage open() throws Exception;

    void cleanUp() {}

    @BeforeAll
    void setUp() throws Exception {
        storage = open();
        storage.migrate(Schema.migrations());
        storage.migrate(List.of(Migration.of("test-001-owned",
                "CREATE TABLE IF NOT EXISTS owned_by_key (key_id BIGINT NOT NULL, note VARCHAR)")));
        storage.registerKeyOwnedTable("owned_by_key");
    }

    @AfterAll
    void tearDown() {
        storage.close();
        cleanUp();
    }

    @Test
    void migratingAgainChangesNothing() throws Exception {
        int before = migrationCount();
        storage.migrate(Schema.migrations());
        assertThat(migrationCount()).isEqualTo(before).isGreaterThanOrEqualTo(Schema.migrations().size());
    }

    @Test
    void keysAreFoundByHashOnly() throws Exception {
        String hash = hash();
        long id = storage.createKey(hash, T0);
        assertThat(storage.findKey(hash)).hasValue(id);
        assertThat(storage.findKey(hash())).isEmpty();
        assertThat(storage.createKey(hash(), T0)).isNotEqualTo(id);
    }

    @Test
    void rowsComeBackExactlyAsStoredIncludingAwkwardText() throws Exception {
        long key = storage.createKey(hash(), T0);
        StoredRequest full = new StoredRequest(T0, "api.example.com", "2001:db8::1", "/a,\"b\"\n'c'", "/a/{id}", "PATCH",
                418, 0.153, "Mozilla/5.0 \"quoted\", with comma", "Chrome", "Windows", "desktop", false, "US", "ü-ser ✓",
                "Javalin", "https://ref.example/?q=1");
        StoredRequest sparse = new StoredRequest(T0.plusSeconds(1), null, null, "/", null, "GET", 200, 86_400_000, null,
                "Unknown", "Unknown", "other", true, null, null, null, null);
        StoredRequest empty = new StoredRequest(T0.plusSeconds(2), "", "", "/e", "", "GET", 200, 1, "", "", "", "", false,
                "", "", "", "");
        // what could be mistaken for lengths and separators where texts are read packed, control bytes, \\x escapes, emoji
        StoredRequest tricky = new StoredRequest(T0.plusSeconds(3), "n", "3,4:", "/\u0001/\\x41/😀", "12:n,",
                "GET", 200, 1, ":", ",", "n,n:", "0", false, "日本", "\\x00", "ü", "9");
        storage.insertRequests(key, List.of(full, sparse, empty, tricky));
        assertThat(read(key, RequestFilter.ALL, 0, 10)).containsExactly(full, sparse, empty, tricky);
        assertThat(pages(key, 3)).as("through openPage").containsExactly(List.of(full, sparse, empty), List.of(tricky));
        try (RequestPage page = storage.openPage(key, RequestFilter.ALL, null, 0, 1, Set.of("client", "referrer"))) {
            List<StoredRequest> read = new ArrayList<>();
            page.forEach(read::add);
            assertThat(read).as("the omitted columns read as null, the others as stored").containsExactly(
                    new StoredRequest(T0, "api.example.com", "2001:db8::1", "/a,\"b\"\n'c'", "/a/{id}", "PATCH", 418, 0.153,
                            "Mozilla/5.0 \"quoted\", with comma", null, "Windows", "desktop", false, "US", "ü-ser ✓", "Javalin",
                            null));
        }
    }

    @Test
    void pagesEndWhereTheNextBeginsThroughTiesAndAtTheEnd() throws Exception {
        long key = storage.createKey(hash(), T0);
        List<StoredRequest> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // three rows share each instant: the order within them is the storage's own
            rows.add(row(T0.plusSeconds(i / 3), "h" + i, "10.0.0." + i, 200, "US", null));
        }
        storage.insertRequests(key, rows);
        List<StoredRequest> all = read(key, RequestFilter.ALL, 0, 100);
        for (int pageSize = 1; pageSize <= 8; pageSize++) {
            int size = pageSize;
            List<List<StoredRequest>> pages = pages(key, size);
            assertThat(pages.stream().flatMap(List::stream).toList()).as("pages of %d", size).containsExactlyElementsOf(all);
            assertThat(pages).as("pages of %d, all full but the last", size).hasSize((7 + size - 1) / size)
                    .allSatisfy(page -> assertThat(page).isNotEmpty().hasSizeLessThanOrEqualTo(size));
        }
        try (RequestPage page = storage.openPage(key, RequestFilter.ALL, null, 5, 2, Set.of())) {
            assertThat(page.lastBeforeMore()).as("the last two rows: nothing follows").isNull();
            List<StoredRequest> read = new ArrayList<>();
            page.forEach(read::add);
            assertThat(read).containsExactlyElementsOf(all.subList(5, 7));
        }
        for (int limit : new int[] {0, -1, Storage.MAX_PAGE + 1, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> storage.openPage(key, RequestFilter.ALL, null, 0, limit, Set.of()))
                    .as("a page of %d rows", limit).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> storage.openPage(key, RequestFilter.ALL, null, 0, 2, Set.of("path")))
                .as("only optional columns can be left out, refused before anything is read")
                .isInstanceOf(IllegalArgumentException.class);
        try (RequestPage page = storage.openPage(key, RequestFilter.ALL, null, 7, 2, Set.of())) {
            assertThat(page.lastBeforeMore()).isNull();
            List<StoredRequest> read = new ArrayList<>();
            page.forEach(read::add);
            assertThat(read).as("past the end").isEmpty();
        }
    }

    @Test
    void filtersCountsAndPagesOldestFirst() throws Exception {
        long key = storage.createKey(hash(), T0);
        long other = storage.createKey(hash(), T0);
        List<StoredRequest> rows = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            rows.add(row(T0.plusSeconds(i * 3600L), i % 2 == 0 ? "a.example" : "b.example", "10.0.0." + (i % 3),
                    i < 5 ? 200 : 500, i < 3 ? "US" : "GB", "user" + (i % 2)));
        }
        storage.insertRequests(key, rows);
        storage.insertRequests(other, List.of(row(T0, "a.example", "10.0.0.0", 200, "US", "user0")));

        assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(10);
        List<StoredRequest> all = read(key, RequestFilter.ALL, 0, 100);
        assertThat(all).extracting(StoredRequest::createdAt).isSorted().hasSize(10);
        assertThat(read(key, RequestFilter.ALL, 4, 3)).containsExactlyElementsOf(all.subList(4, 7));
        assertThat(read(key, RequestFilter.ALL, 9, 3)).containsExactly(all.get(9));

        assertThat(count(key, new RequestFilter(T0.plusSeconds(3600), T0.plusSeconds(3 * 3600), null, null, null, null, null)))
                .as("from inclusive, to exclusive").isEqualTo(2);
        assertThat(count(key, new RequestFilter(null, null, "a.example", null, null, null, null))).isEqualTo(5);
        assertThat(count(key, new RequestFilter(null, null, null, "10.0.0.0", null, null, null))).isEqualTo(4);
        assertThat(count(key, new RequestFilter(null, null, null, null, 500, null, null))).isEqualTo(5);
        assertThat(count(key, new RequestFilter(null, null, null, null, null, "US", null))).isEqualTo(3);
        assertThat(count(key, new RequestFilter(null, null, null, null, null, null, "user1"))).isEqualTo(5);
        assertThat(count(key, new RequestFilter(null, null, "a.example", null, 200, "US", "user0"))).isEqualTo(2);
    }

    @Test
    void deletingDataKeepsTheKeyAndDeletingTheKeyRemovesEverything() throws Exception {
        long key = storage.createKey(hash(), T0);
        long other = storage.createKey(hash(), T0);
        storage.insertRequests(key, List.of(row(T0, "h", "1.2.3.4", 200, "US", null), row(T0, "h", "1.2.3.4", 200, "US", null)));
        storage.insertRequests(other, List.of(row(T0, "h", "1.2.3.4", 200, "US", null)));
        ownedRow(key);
        ownedRow(other);

        assertThat(storage.deleteData(key)).isEqualTo(2);
        assertThat(storage.countRequests(key, RequestFilter.ALL)).isZero();
        assertThat(ownedRows(key)).isZero();
        assertThat(storage.inactiveKeys(T0.plusSeconds(1))).contains(key);

        storage.insertRequests(key, List.of(row(T0, "h", "1.2.3.4", 200, "US", null)));
        ownedRow(key);
        assertThat(storage.deleteKey(key)).isTrue();
        assertThat(storage.deleteKey(key)).isFalse();
        assertThat(storage.countRequests(key, RequestFilter.ALL)).isZero();
        assertThat(ownedRows(key)).isZero();
        assertThat(storage.inactiveKeys(T0.plusSeconds(1))).doesNotContain(key);

        assertThat(storage.countRequests(other, RequestFilter.ALL)).isEqualTo(1);
        assertThat(ownedRows(other)).isEqualTo(1);
    }

    @Test
    void activityMovesAKeyOutOfRetention() throws Exception {
        Instant created = Instant.parse("2020-01-01T00:00:00Z");
        long stale = storage.createKey(hash(), created);
        long fresh = storage.createKey(hash(), created);
        storage.markActive(fresh, created.plusSeconds(86_400 * 30));
        Instant cutoff = created.plusSeconds(86_400 * 10);
        assertThat(storage.inactiveKeys(cutoff)).contains(stale).doesNotContain(fresh);
        storage.markActive(fresh, created.plusSeconds(86_400)); // an older time never moves activity back
        assertThat(storage.inactiveKeys(cutoff)).doesNotContain(fresh);
    }

    @Test
    void concurrentInsertsAllLandAndAreVisibleWhenTheCallReturns() throws Exception {
        long key = storage.createKey(hash(), T0);
        int threads = 8;
        int insertsPerThread = 15;
        int rowsPerInsert = 50;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < insertsPerThread; i++) {
                        List<StoredRequest> rows = new ArrayList<>();
                        for (int r = 0; r < rowsPerInsert; r++) {
                            rows.add(row(T0.plusMillis(r), "h", "1.2.3.4", 200, "US", null));
                        }
                        storage.insertRequests(key, rows);
                        long visible = storage.countRequests(key, RequestFilter.ALL);
                        assertThat(visible).as("own rows are committed on return").isGreaterThanOrEqualTo((long) (i + 1) * rowsPerInsert);
                    }
                    return null;
                }));
            }
            for (var future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo((long) threads * insertsPerThread * rowsPerInsert);
    }

    @Test
    void aBatchIdIsStoredOnceEvenWhenManyCallersRaceWithItAndWithOtherBatches() throws Exception {
        long key = storage.createKey(hash(), T0);
        long other = storage.createKey(hash(), T0);
        String id = UUID.randomUUID().toString();
        int racers = 12;
        List<StoredRequest> rows = List.of(row(T0, "h", null, 200, null, null), row(T0, "h", null, 500, null, null));
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(racers + 2);
        List<java.util.Optional<BatchOutcome>> outcomes = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<java.util.Optional<BatchOutcome>>> done = new ArrayList<>();
            for (int t = 0; t < racers; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    return storage.insertBatch(key, id, rows, 3, T0);
                }));
            }
            // alongside: the same id under another key, and a post without an id
            done.add(pool.submit(() -> {
                start.await();
                return storage.insertBatch(other, id, rows, 0, T0);
            }));
            done.add(pool.submit(() -> {
                start.await();
                storage.insertRequests(key, rows);
                return java.util.Optional.<BatchOutcome>empty();
            }));
            start.countDown();
            for (var future : done) {
                outcomes.add(future.get());
            }
        } finally {
            pool.shutdown();
        }
        List<java.util.Optional<BatchOutcome>> racing = outcomes.subList(0, racers);
        assertThat(racing).filteredOn(java.util.Optional::isEmpty).hasSize(1);
        assertThat(racing).filteredOn(java.util.Optional::isPresent)
                .allSatisfy(earlier -> assertThat(earlier).hasValue(new BatchOutcome(2, 3)));
        assertThat(outcomes.get(racers)).as("another key's batch").isEmpty();
        assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(4);
        assertThat(storage.countRequests(other, RequestFilter.ALL)).isEqualTo(2);

        assertThat(storage.forgetBatchesBefore(T0.plusSeconds(1))).isGreaterThanOrEqualTo(2);
        assertThat(storage.insertBatch(key, id, rows, 3, T0.plusSeconds(2))).as("forgotten: a new batch").isEmpty();
        assertThat(storage.insertBatch(key, id, rows, 0, T0.plusSeconds(3))).hasValue(new BatchOutcome(2, 3));
        assertThat(storage.countRequests(key, RequestFilter.ALL)).isEqualTo(6);
    }

    @Test
    void aConnectionServesSqlOfOneOwn() throws Exception {
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM requests WHERE key_id = -1")) {
            rows.next();
            assertThat(rows.getLong(1)).isZero();
        }
    }

    // ---- helpers

    static StoredRequest row(Instant at, String host, String ip, int status, String location, String userId) {
        return new StoredRequest(at, host, ip, "/p", "/p", "GET", status, 2.5, "curl/8", "curl", "Unknown", "other", false,
                location, userId, "Gin", null);
    }

    static String hash() {
        return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    }

    List<StoredRequest> read(long key, RequestFilter filter, long offset, int limit) throws SQLException {
        List<StoredRequest> rows = new ArrayList<>();
        storage.readRequests(key, filter, offset, limit, rows::add);
        return rows;
    }

    /** Every page of {@code size} rows, each opened after the previous one's last row, as the data API's Link does. */
    List<List<StoredRequest>> pages(long key, int size) throws SQLException {
        List<List<StoredRequest>> pages = new ArrayList<>();
        RowPosition after = null;
        do {
            try (RequestPage page = storage.openPage(key, RequestFilter.ALL, after, 0, size, Set.of())) {
                List<StoredRequest> rows = new ArrayList<>();
                page.forEach(rows::add);
                pages.add(rows);
                after = page.lastBeforeMore();
            }
        } while (after != null && pages.size() < 100);
        return pages;
    }

    long count(long key, RequestFilter filter) throws SQLException {
        long counted = storage.countRequests(key, filter);
        assertThat(read(key, filter, 0, 1000)).hasSize((int) counted);
        return counted;
    }

    int migrationCount() throws SQLException {
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM schema_migrations")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    void ownedRow(long key) throws SQLException {
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO owned_by_key (key_id, note) VALUES (" + key + ", 'x')");
        }
    }

    long ownedRows(long key) throws SQLException {
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM owned_by_key WHERE key_id = " + key)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
