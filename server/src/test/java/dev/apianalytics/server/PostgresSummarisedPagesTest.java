package dev.apianalytics.server;

/** {@link SummarisedPagesContract} on a real PostgreSQL, in a schema of its own. */
class PostgresSummarisedPagesTest extends SummarisedPagesContract {

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
