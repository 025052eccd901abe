package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.storage.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A view filtered by an API version reads the endpoint slices whose endpoint names it
 * ({@link DashboardSql#versionIs}), the rows those whose endpoint names it ({@link DashboardSql#version}):
 * both must agree on every endpoint, in both databases.
 */
final class VersionConditionTest {

    private static final List<String> ENDPOINTS = List.of("/v2", "/v2/", "/v2/users/{id}", "/api/v2", "/api/v2/items",
            "/v2x/users", "/a/b/v2", "/v23/users", "/api/v23", "v2", "/v2v2", "/api/v2beta/x", "/V2/users", "/", "/health",
            "/v1/v2/x", "/api/x/v2");
    private static final List<String> VERSIONS = List.of("v1", "v2", "v23");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theSliceConditionAndTheRowExpressionAgreeOnEveryEndpoint(Dialect dialect) throws Exception {
        String url = dialect == Dialect.DUCKDB ? "jdbc:duckdb:" : TestEnvironment.postgresUrl();
        DashboardSql sql = new DashboardSql(dialect, DashboardQuery.parse(Map.of()), java.time.Instant.EPOCH,
                java.time.Instant.EPOCH);
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement select = connection.prepareStatement("SELECT " + sql.version("e") + ", CASE WHEN "
                        + DashboardSql.versionIs("e") + " THEN 1 ELSE 0 END FROM (SELECT CAST(? AS VARCHAR) AS e) t")) {
            for (String endpoint : ENDPOINTS) {
                for (String version : VERSIONS) {
                    // the version's ? comes first in the text, the endpoint's in the FROM clause second
                    select.setString(1, "/" + version);
                    select.setString(2, endpoint);
                    try (ResultSet rows = select.executeQuery()) {
                        rows.next();
                        boolean named = version.equals(rows.getString(1));
                        assertThat(rows.getInt(2) == 1).as(endpoint + " names " + version).isEqualTo(named);
                    }
                }
            }
        }
    }
}
