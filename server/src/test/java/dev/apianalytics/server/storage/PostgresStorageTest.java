package dev.apianalytics.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.summary.SummaryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresStorageTest extends StorageContractTest {

    private String url;

    @Override
    Storage open() throws Exception {
        url = TestEnvironment.freshPostgresSchemaUrl();
        return PostgresStorage.open(url, 4, SummaryJob.LATE_AFTER);
    }

    @Override
    void cleanUp() {
        TestEnvironment.dropSchema(url);
    }

    @Test
    void neverShowsThePassword() {
        assertThat(storage.describe()).doesNotContain("password").startsWith("PostgreSQL jdbc:postgresql://");
        assertThat(PostgresStorage.withoutSecrets("jdbc:postgresql://bob:secret@db:5432/x?password=p"))
                .isEqualTo("jdbc:postgresql://db:5432/x");
    }

    /**
     * Each week's partition numbers its rows from the same first ctid: pages and step deletes
     * must never take a row of one partition for the row of another with the same ctid.
     */
    @Test
    void pagesAndStepDeletesKeepToTheirRowsAcrossWeeklyPartitions() throws Exception {
        Instant week1 = Instant.parse("2025-01-06T00:00:00Z"); // a Monday, two months before T0
        Instant week2 = week1.plus(Duration.ofDays(7));
        storage.prepareRequestPartitions(week2);
        long key = storage.createKey(hash(), week1);
        long other = storage.createKey(hash(), week1);
        storage.insertRequests(other, List.of(row(week2.plusSeconds(5), "o", "10.0.0.9", 200, "US", null),
                row(week2.plusSeconds(6), "o", "10.0.0.9", 200, "US", null)));
        List<StoredRequest> rows = new ArrayList<>();
        for (Instant week : List.of(week1, week2, week2.plus(Duration.ofDays(7)))) {
            for (int i = 0; i < 4; i++) {
                // two rows per instant: the tie is broken by ctid, within one partition
                rows.add(row(week.plusSeconds(60 + i / 2), "h" + i, "10.0.0." + i, 200, "US", null));
            }
        }
        storage.insertRequests(key, rows);
        assertThat(partitionsOf(key)).as("rows in three weekly partitions")
                .containsExactly("requests_w20250106", "requests_w20250113", "requests_w20250120");

        List<StoredRequest> all = read(key, RequestFilter.ALL, 0, 100);
        List<StoredRequest> paged = new ArrayList<>();
        RowPosition after = null;
        for (int page = 0; page < 20; page++) {
            try (RequestPage one = storage.openPage(key, RequestFilter.ALL, after, 0, 1, Set.of())) {
                one.forEach(paged::add);
                after = one.lastBeforeMore();
            }
            if (after == null) {
                break;
            }
        }
        assertThat(paged).as("one row a page, each once, in order").containsExactlyElementsOf(all).hasSize(12);

        int deleted = storage.maintainKey(key, connection -> storage.deleteRequestsBefore(connection, key, week2, 3));
        assertThat(deleted).isEqualTo(3);
        assertThat(storage.countRequests(other, RequestFilter.ALL)).as("another key's rows at the same ctids").isEqualTo(2);
        assertThat(storage.countRequests(key, new RequestFilter(week2, null, null, null, null, null, null))).isEqualTo(8);
        int rest = storage.maintainKey(key, connection -> storage.deleteRequestsBefore(connection, key, week2.plusSeconds(61), 100));
        assertThat(rest).as("the rest of the first week and the first instant of the second").isEqualTo(3);
        assertThat(read(key, RequestFilter.ALL, 0, 100)).containsExactlyElementsOf(all.subList(6, 12));
    }

    @Test
    void anExistingTableBecomesThePartitionBeforeItsBoundWithEveryRow() throws Exception {
        String oldUrl = TestEnvironment.freshPostgresSchemaUrl();
        try (PostgresStorage old = PostgresStorage.open(oldUrl, 2, SummaryJob.LATE_AFTER)) {
            old.migrate(Schema.migrations().stream().filter(m -> m.id().compareTo("server-009") < 0).toList());
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            long key = old.createKey(hash(), now);
            List<StoredRequest> rows = new ArrayList<>();
            for (int day = 0; day < 40; day++) {
                rows.add(row(now.minus(Duration.ofDays(day)), "h", "10.0.0.1", 200, "US", null));
            }
            old.insertRequests(key, rows);
            List<StoredRequest> before = new ArrayList<>();
            old.readRequests(key, RequestFilter.ALL, 0, 100, before::add);

            old.migrate(Schema.migrations());
            try (Connection connection = old.connection(); Statement statement = connection.createStatement();
                    ResultSet kind = statement.executeQuery("SELECT relkind FROM pg_class WHERE oid = 'requests'::regclass")) {
                kind.next();
                assertThat(kind.getString(1)).as("partitioned").isEqualTo("p");
            }
            List<RequestPartitions.Partition> partitions = partitions(old);
            assertThat(partitions).hasSize(1);
            RequestPartitions.Partition legacy = partitions.get(0);
            assertThat(legacy.name()).startsWith("requests_before_");
            assertThat(legacy.from()).isNull();
            assertThat(legacy.to()).isAfter(Storage.utc(now.plus(Duration.ofDays(2))));
            List<StoredRequest> after = new ArrayList<>();
            old.readRequests(key, RequestFilter.ALL, 0, 100, after::add);
            assertThat(after).as("every row, where it was").containsExactlyElementsOf(before);

            assertThat(old.prepareRequestPartitions(now)).isBetween(RequestPartitions.WEEKS_AHEAD - 1, RequestPartitions.WEEKS_AHEAD + 1);
            Instant nextWeek = legacy.to().toInstant(java.time.ZoneOffset.UTC).plus(Duration.ofDays(1));
            old.insertRequests(key, List.of(row(nextWeek, "h", "10.0.0.1", 200, "US", null)));
            assertThat(old.countRequests(key, RequestFilter.ALL)).isEqualTo(41);

            long dropped = old.maintain(connection -> old.dropRequestPartitionsBefore(connection,
                    legacy.to().toInstant(java.time.ZoneOffset.UTC)));
            assertThat(dropped).as("the old table's rows, dropped with it").isEqualTo(40);
            assertThat(partitions(old)).extracting(RequestPartitions.Partition::name).doesNotContain(legacy.name());
            assertThat(old.countRequests(key, RequestFilter.ALL)).isEqualTo(1);
            assertThat(old.prepareRequestPartitions(now)).as("nothing more to make").isZero();

            // a row beyond the weeks made waits in the default partition, and moves into its week once made
            Instant later = legacy.to().toInstant(java.time.ZoneOffset.UTC).plus(Duration.ofDays(7 * 10 + 2));
            old.insertRequests(key, List.of(row(later, "h", "10.0.0.1", 200, "US", null)));
            assertThat(partitionsOf(old, key)).contains("requests_default");
            assertThat(old.prepareRequestPartitions(later)).isGreaterThan(4);
            assertThat(partitionsOf(old, key)).doesNotContain("requests_default")
                    .contains("requests_w" + java.time.format.DateTimeFormatter.BASIC_ISO_DATE.format(
                            legacy.to().plusWeeks(10)));
            assertThat(old.countRequests(key, RequestFilter.ALL)).isEqualTo(2);
        } finally {
            TestEnvironment.dropSchema(oldUrl);
        }
    }

    /** Rows that an older collector posts between the first and the last step still end up in the old table's partition. */
    @Test
    void rowsArrivingDuringTheConversionOfAnEmptyTableAreKept() throws Exception {
        String ownUrl = TestEnvironment.freshPostgresSchemaUrl();
        try (PostgresStorage own = PostgresStorage.open(ownUrl, 2, SummaryJob.LATE_AFTER)) {
            own.migrate(Schema.migrations().stream().filter(m -> m.id().compareTo("server-010") < 0).toList());
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            long key = own.createKey(hash(), now);
            own.insertRequests(key, List.of(row(now, "h", "10.0.0.1", 200, "US", null),
                    row(now.minus(Duration.ofDays(3)), "h", "10.0.0.1", 200, "US", null)));
            own.migrate(Schema.migrations());
            List<RequestPartitions.Partition> partitions = partitions(own);
            assertThat(partitions).extracting(RequestPartitions.Partition::name).singleElement().asString()
                    .startsWith("requests_before_");
            assertThat(partitionsOf(own, key)).containsExactly(partitions.get(0).name());
            assertThat(own.countRequests(key, RequestFilter.ALL)).isEqualTo(2);
        } finally {
            TestEnvironment.dropSchema(ownUrl);
        }
    }

    /** A long read of an old week makes its drop give up quickly (queries would queue behind it), not wait. */
    @Test
    void aDropThatCannotHaveItsLockSoonIsLeftForLater() throws Exception {
        String ownUrl = TestEnvironment.freshPostgresSchemaUrl();
        try (PostgresStorage own = PostgresStorage.open(ownUrl, 2, SummaryJob.LATE_AFTER)) {
            own.migrate(Schema.migrations());
            Instant week = Instant.parse("2024-06-03T00:00:00Z"); // a Monday
            String name = "requests_w20240603";
            own.prepareRequestPartitions(week.plus(Duration.ofDays(7 * (RequestPartitions.WEEKS_BEHIND - 1))));
            assertThat(partitions(own)).extracting(RequestPartitions.Partition::name).contains(name);
            Instant before = week.plus(Duration.ofDays(7));
            try (Connection reader = own.connection(); Statement statement = reader.createStatement()) {
                reader.setAutoCommit(false);
                statement.executeQuery("SELECT count(*) FROM " + name).close(); // holds its lock until the end
                assertThatThrownBy(() -> own.maintain(connection -> own.dropRequestPartitionsBefore(connection, before)))
                        .isInstanceOf(SQLException.class).hasMessageContaining("lock timeout");
                reader.rollback();
            }
            assertThat(partitions(own)).extracting(RequestPartitions.Partition::name).contains(name);
            own.maintain(connection -> own.dropRequestPartitionsBefore(connection, before));
            assertThat(partitions(own)).extracting(RequestPartitions.Partition::name).doesNotContain(name)
                    .contains("requests_w20240610");
        } finally {
            TestEnvironment.dropSchema(ownUrl);
        }
    }

    /**
     * The weeks that ended a day ago get indexes on the key and user, and on the key and path of
     * rows whose path is not their route, which the dashboard's user filter and its check of
     * hidden paths use; the open weeks none (they would cost every row ingested). An index a
     * failed build left invalid is built again, and a collector finding another at work leaves it be.
     */
    @Test
    void closedWeeksGetTheIndexesOfTheUserFilterAndTheHiddenPathCheck() throws Exception {
        Instant closed = Instant.parse("2025-01-06T00:00:00Z"); // a Monday
        Instant open = closed.plus(Duration.ofDays(7));
        Instant now = open.plus(Duration.ofHours(23)); // the week before ended 23 hours ago: not yet closed
        storage.prepareRequestPartitions(now);
        long key = storage.createKey(hash(), closed);
        List<StoredRequest> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String path = "/orders/" + i % 50;
            rows.add(new StoredRequest(closed.plusSeconds(60L * i), "h", "10.0.0." + i % 7, path, "/orders/{id}", "GET", 200,
                    2.5, "curl/8", "curl", "Unknown", "other", false, "US", i % 2 == 0 ? "user-" + i % 20 : null, "Gin", null));
            rows.add(row(open.plusSeconds(60L * i), "h", "10.0.0." + i % 7, 200, "US", "user-" + i % 20));
        }
        storage.insertRequests(key, rows);
        storage.insertRequests(key, List.of(row(closed.minusSeconds(60), "h", "10.0.0.1", 200, "US", null),
                row(closed.minusSeconds(30), "h", "10.0.0.1", 200, "US", null)));
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement()) {
            // a build that failed halfway (here on a duplicate), as a crash or a cancel would leave one
            assertThatThrownBy(() -> statement.execute("CREATE UNIQUE INDEX CONCURRENTLY requests_w20241230_users "
                    + "ON requests_w20241230 ((1))")).isInstanceOf(SQLException.class);
        }
        assertThat(closedIndexes("users")).as("the failed build is not valid").isEmpty();

        try (Connection other = storage.connection(); Statement statement = other.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + PostgresStorage.PARTITION_INDEX_LOCK + ")");
            assertThat(storage.indexClosedRequestPartitions(now, null)).as("another collector is at it").isZero();
            statement.execute("SELECT pg_advisory_unlock(" + PostgresStorage.PARTITION_INDEX_LOCK + ")");
        }
        int kinds = RequestPartitions.CLOSED_INDEXES.size();
        Instant horizon = Instant.parse("2024-12-16T00:00:00Z");
        assertThat(storage.indexClosedRequestPartitions(now, horizon))
                .as("not the weeks the raw-row retention drops within a week: those from 23 and 30 December only")
                .isEqualTo(kinds * 2);
        assertThat(storage.indexClosedRequestPartitions(now, null)).as("the other weeks before the last")
                .isEqualTo(kinds * (RequestPartitions.WEEKS_BEHIND - 3));
        assertThat(closedIndexes("users")).noneSatisfy(definition -> assertThat(definition).contains("requests_w20250106 "));
        Instant dayAfter = open.plus(Duration.ofHours(25));
        assertThat(storage.indexClosedRequestPartitions(dayAfter, null)).as("the last week, a day after its end").isEqualTo(kinds);
        assertThat(storage.indexClosedRequestPartitions(dayAfter, null)).as("nothing left to build").isZero();
        assertThat(closedIndexes("users")).as("valid, not unique, on the user key, the closed weeks only")
                .hasSize(RequestPartitions.WEEKS_BEHIND).allSatisfy(definition -> assertThat(definition)
                        .startsWith("CREATE INDEX ").contains("(key_id, COALESCE(user_id, ip_address))"))
                .anySatisfy(definition -> assertThat(definition).contains("requests_w20241230 "))
                .anySatisfy(definition -> assertThat(definition).contains("requests_w20250106 "))
                .noneSatisfy(definition -> assertThat(definition).contains("requests_w20250113"));
        assertThat(closedIndexes("paths")).hasSize(RequestPartitions.WEEKS_BEHIND)
                .noneSatisfy(definition -> assertThat(definition).contains("requests_w20250113"));

        String userRows = "SELECT * FROM requests WHERE key_id = " + key
                + " AND created_at >= '2025-01-06' AND created_at < '2025-01-20' AND " + Schema.USER_KEY + " = 'user-4'";
        String hiddenByPath = "SELECT max(created_at), count(*) FROM requests WHERE key_id = " + key
                + " AND created_at >= '2025-01-06' AND created_at < '2025-01-20' AND " + Schema.PATH_NOT_ROUTE
                + " AND path LIKE ? ESCAPE '\\' AND NOT route LIKE ? ESCAPE '\\'";
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE requests_w20250106");
            statement.execute("SET enable_seqscan = off");
            assertThat(plan(connection, userRows)).as("the closed week read by its user index")
                    .contains("requests_w20250106_users");
            // run more often than the driver and the server take to settle on one plan for any pattern
            for (int run = 0; run < 12; run++) {
                assertThat(plan(connection, hiddenByPath)).as("the closed week's paths read by its index, run " + run)
                        .contains("requests_w20250106_paths").contains("~>=~ '/orders/1'");
            }
            statement.execute("RESET enable_seqscan");
        }
    }

    /** PostgreSQL's plan of {@code sql}, its parameters {@code /orders/1%} and {@code /health}, as the check binds them. */
    private static String plan(Connection connection, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            Storage.planWithValues(explain);
            if (sql.contains("?")) {
                explain.setString(1, "/orders/1%");
                explain.setString(2, "/health");
            }
            try (ResultSet lines = explain.executeQuery()) {
                while (lines.next()) {
                    plan.append(lines.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }

    /** The definitions of the valid closed-week indexes of kind {@code kind} ({@code users}, {@code paths}). */
    private List<String> closedIndexes(String kind) throws SQLException {
        List<String> definitions = new ArrayList<>();
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                        + "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'requests%" + kind + "' "
                        + "AND pg_table_is_visible(c.oid) AND i.indisvalid")) {
            while (rows.next()) {
                definitions.add(rows.getString(1));
            }
        }
        return definitions;
    }

    private static List<RequestPartitions.Partition> partitions(Storage storage) throws SQLException {
        try (Connection connection = storage.connection()) {
            return RequestPartitions.list(connection);
        }
    }

    private List<String> partitionsOf(long key) throws SQLException {
        return partitionsOf(storage, key);
    }

    private static List<String> partitionsOf(Storage storage, long key) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = storage.connection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT DISTINCT tableoid::regclass::text AS p FROM requests "
                        + "WHERE key_id = " + key + " ORDER BY p")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
