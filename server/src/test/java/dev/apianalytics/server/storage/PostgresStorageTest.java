package dev.apianalytics.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.summary.SummaryJob;
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
}
