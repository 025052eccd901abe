package dev.apianalytics.it.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL the tests use: {@code API_ANALYTICS_TEST_PG_URL}, else the one
 * {@code .ci/postgres.sh} starts. Each test gets a schema of its own, so tests that count rows
 * never see another test's.
 */
final class Postgres {

    private static String baseUrl;

    private Postgres() {}

    static synchronized String baseUrl() {
        if (baseUrl == null) {
            String configured = System.getenv("API_ANALYTICS_TEST_PG_URL");
            baseUrl = configured != null && !configured.isBlank() ? configured.trim() : fromScript();
        }
        return baseUrl;
    }

    /** A URL whose {@code currentSchema} is a new, empty schema. */
    static String freshSchemaUrl() {
        String schema = "rel_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(baseUrl()); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a schema in PostgreSQL at " + baseUrl() + ": " + e.getMessage(), e);
        }
        String base = baseUrl();
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static void dropSchema(String url) {
        int at = url.indexOf("currentSchema=");
        if (at < 0) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(baseUrl()); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + url.substring(at + "currentSchema=".length()) + " CASCADE");
        } catch (SQLException ignored) {
            // a leftover test schema is harmless
        }
    }

    private static String fromScript() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve(".ci/postgres.sh"))) {
            dir = dir.getParent();
        }
        String install = "install the Debian package 'postgresql' or set API_ANALYTICS_TEST_PG_URL to a jdbc:postgresql:// URL";
        if (dir == null) {
            throw new IllegalStateException("no .ci/postgres.sh above " + Path.of("").toAbsolutePath() + "; " + install);
        }
        try {
            Process process = new ProcessBuilder("bash", dir.resolve(".ci/postgres.sh").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0 || output.isEmpty()) {
                throw new IllegalStateException(".ci/postgres.sh failed; " + install);
            }
            String[] lines = output.split("\n");
            return lines[lines.length - 1].trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run .ci/postgres.sh: " + e.getMessage() + "; " + install, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting PostgreSQL", e);
        }
    }
}
