package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.summary.Summaries;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A view filtered by an API version reads the version slice ({@link Summaries#VERSION}) where
 * summaries answer it, the rows whose endpoint names it ({@link DashboardSql#version}) otherwise:
 * both must read the same version from every endpoint, in both databases, and a view's filter
 * that matches a version ({@link Summaries#versionIs}) must find the endpoints that read as it.
 */
final class VersionConditionTest {

    private static final List<String> ENDPOINTS = List.of("/v2", "/v2/", "/v2/users/{id}", "/api/v2", "/api/v2/items",
            "/v2x/users", "/a/b/v2", "/v23/users", "/api/v23", "v2", "/v2v2", "/api/v2beta/x", "/V2/users", "/", "/health",
            "/v1/v2/x", "/api/x/v2", "/vendors", "/v/1", "/v2/line\nbreak", "/line\nbreak/v2", "/v2/v2", "/v2/v23/x", "/v23/v2",
            "//v2", "/v2/v2x", "/v1/v2", "/v2/v1/", "/api/v2/v1", "/v2%/x", "/a_b/v2", "/v2/v", "/v2/v12345678", "/v2/v1234567",
            "/v2/v1x", "/v2/v\u0663", "/v2/v1\n", "/v2\n/x", "/x/v2\n", "/v02/users", "/v2/V1", "/v2//v1", "/v2/", "/api/v2/",
            "/v23/v23", "/api/v23/v2", "/v2?x=/v1", "/v1/v2?q", "/ v2/v2");

    private static final Map<String, java.util.Optional<String>> EXPECTED = Map.of("/v2/users/{id}", java.util.Optional.of("v2"),
            "/api/v2/items", java.util.Optional.of("v2"), "/api/v23", java.util.Optional.of("v23"), "/v2", java.util.Optional.of("v2"),
            "/v2x/users", java.util.Optional.empty(), "/a/b/v2", java.util.Optional.empty(), "/vendors", java.util.Optional.empty(),
            "/v1/v2/x", java.util.Optional.of("v2"), "/health", java.util.Optional.empty());

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aVersionMatchedIsTheVersionRead(Dialect dialect) throws Exception {
        String url = dialect == Dialect.DUCKDB ? "jdbc:duckdb:" : TestEnvironment.postgresUrl();
        try (Connection connection = DriverManager.getConnection(url)) {
            for (String version : List.of("v1", "v2", "v23")) {
                try (PreparedStatement select = connection.prepareStatement("SELECT coalesce(" + Summaries.VERSION + " = '" + version
                        + "', false), " + Summaries.versionIs("coalesce(route, path)", version)
                        + " FROM (SELECT CAST(NULL AS VARCHAR) AS route, CAST(? AS VARCHAR) AS path) t")) {
                    for (String endpoint : ENDPOINTS) {
                        select.setString(1, endpoint);
                        try (ResultSet rows = select.executeQuery()) {
                            rows.next();
                            assertThat(rows.getBoolean(2)).as(version + " in " + endpoint).isEqualTo(rows.getBoolean(1));
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theVersionSliceAndTheRowFilterReadTheSameVersion(Dialect dialect) throws Exception {
        String url = dialect == Dialect.DUCKDB ? "jdbc:duckdb:" : TestEnvironment.postgresUrl();
        DashboardSql sql = new DashboardSql(dialect, DashboardQuery.parse(Map.of()), Instant.EPOCH, Instant.EPOCH);
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement select = connection.prepareStatement("SELECT " + sql.version("path") + ", " + Summaries.VERSION
                        + " FROM (SELECT CAST(NULL AS VARCHAR) AS route, CAST(? AS VARCHAR) AS path) t")) {
            for (String endpoint : ENDPOINTS) {
                select.setString(1, endpoint);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    assertThat(rows.getString(2)).as(endpoint).isEqualTo(rows.getString(1));
                    if (EXPECTED.containsKey(endpoint)) {
                        assertThat(rows.getString(1)).as(endpoint).isEqualTo(EXPECTED.get(endpoint).orElse(null));
                    }
                }
            }
        }
    }
}
