package dev.apianalytics.server;

/** Idempotent ingestion on a real PostgreSQL, in a schema of its own. */
class PostgresIdempotentIngestTest extends IdempotentIngestTest {

    private String url;

    @Override
    ServerConfig.Builder storage(ServerConfig.Builder builder) {
        url = TestEnvironment.freshPostgresSchemaUrl();
        return builder.databaseUrl(url);
    }

    @Override
    void cleanUp() {
        TestEnvironment.dropSchema(url);
    }
}
