package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw-row retention on a real PostgreSQL: besides the contract, the weeks wholly past the
 * horizon are dropped as partitions and the table takes less space.
 */
final class PostgresRawRetentionTest extends RawRetentionContract {

    private String url;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        url = TestEnvironment.freshPostgresSchemaUrl();
        return builder.databaseUrl(url).dbPoolSize(4);
    }

    @Override
    void cleanUp() {
        if (url != null) {
            TestEnvironment.dropSchema(url);
        }
    }

    private record Footprint(List<String> partitions, long bytes) {}

    @Override
    Object footprint(CollectorServer server) throws Exception {
        try (Connection connection = server.storage().connection(); Statement statement = connection.createStatement()) {
            List<String> partitions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT relid::regclass::text FROM pg_partition_tree('requests') "
                    + "WHERE isleaf ORDER BY 1")) {
                while (rows.next()) {
                    partitions.add(rows.getString(1));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT sum(pg_total_relation_size(relid)) "
                    + "FROM pg_partition_tree('requests')")) {
                rows.next();
                return new Footprint(partitions, rows.getLong(1));
            }
        }
    }

    @Override
    void assertShrank(CollectorServer server, Object before) throws Exception {
        Footprint was = (Footprint) before;
        Footprint now = (Footprint) footprint(server);
        // 60 days of rows end on Friday 2026-11-20; the horizon is 2026-10-21 15:00: the weeks up
        // to the one starting Monday 2026-10-12 go whole, that of 2026-10-19 straddles it
        assertThat(was.partitions()).contains("requests_w20260921", "requests_w20261012", "requests_w20261019");
        assertThat(now.partitions()).as("the weeks before the horizon are dropped, no other")
                .isEqualTo(was.partitions().stream()
                        .filter(name -> name.equals("requests_default") || name.compareTo("requests_w20261019") >= 0)
                        .toList())
                .contains("requests_w20261019", "requests_w20261116");
        assertThat(now.bytes()).as("the table's size on disk, indexes included").isLessThan(was.bytes() * 3 / 4);
    }
}
