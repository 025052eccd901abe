package dev.apianalytics.server;

/** The protocol suite on a real PostgreSQL, in a schema of its own. */
class PostgresCollectorProtocolTest extends CollectorProtocolTest {

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
