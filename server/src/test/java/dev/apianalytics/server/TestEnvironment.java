package dev.apianalytics.server;

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
 * What the tests need from the machine: a PostgreSQL URL ({@code API_ANALYTICS_TEST_PG_URL}, or
 * {@code .ci/postgres.sh}) and a country database ({@code API_ANALYTICS_TEST_GEO_DB}, or
 * {@code .ci/geodb.sh}). Missing pieces fail loudly, saying what to install; nothing is skipped.
 */
public final class TestEnvironment {

    private static String postgresUrl;
    private static Path geoDatabase;

    private TestEnvironment() {}

    /** The base PostgreSQL URL shared by the test run. */
    public static synchronized String postgresUrl() {
        if (postgresUrl == null) {
            String configured = System.getenv("API_ANALYTICS_TEST_PG_URL");
            postgresUrl = configured != null && !configured.isBlank() ? configured.trim() : runScript("postgres.sh",
                    "PostgreSQL is needed for these tests: install the Debian package 'postgresql' "
                            + "or set API_ANALYTICS_TEST_PG_URL to a jdbc:postgresql:// URL");
        }
        return postgresUrl;
    }

    /**
     * A URL for a schema of its own, so that tests that delete or expire keys never touch
     * another test's (or another module's) rows in the shared database.
     */
    public static String freshPostgresSchemaUrl() {
        String schema = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        String base = postgresUrl();
        try (Connection connection = DriverManager.getConnection(base); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test schema in PostgreSQL at " + base + ": " + e.getMessage(), e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops a schema made by {@link #freshPostgresSchemaUrl()}. */
    public static void dropSchema(String url) {
        int at = url.indexOf("currentSchema=");
        if (at < 0) {
            return;
        }
        String schema = url.substring(at + "currentSchema=".length());
        try (Connection connection = DriverManager.getConnection(postgresUrl()); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException ignored) {
            // a leftover test schema is harmless
        }
    }

    /** The ip-location-db country database. */
    public static synchronized Path geoDatabase() {
        if (geoDatabase == null) {
            String configured = System.getenv("API_ANALYTICS_TEST_GEO_DB");
            String path = configured != null && !configured.isBlank() ? configured.trim() : runScript("geodb.sh",
                    "a country database is needed for these tests: install npm (Debian package 'npm') so that "
                            + ".ci/geodb.sh can fetch it, or set API_ANALYTICS_TEST_GEO_DB to an .mmdb file");
            geoDatabase = Path.of(path);
            if (!Files.isRegularFile(geoDatabase)) {
                throw new IllegalStateException("the country database " + geoDatabase + " does not exist");
            }
        }
        return geoDatabase;
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".ci"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (.ci/) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String runScript(String script, String whatToInstall) {
        Path file = repositoryRoot().resolve(".ci").resolve(script);
        try {
            Process process = new ProcessBuilder("bash", file.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0 || output.isEmpty()) {
                throw new IllegalStateException(file + " failed; " + whatToInstall);
            }
            String[] lines = output.split("\n");
            return lines[lines.length - 1].trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + file + ": " + e.getMessage() + "; " + whatToInstall, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + file, e);
        }
    }
}
