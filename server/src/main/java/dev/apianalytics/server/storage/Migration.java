package dev.apianalytics.server.storage;

import java.util.Objects;

/**
 * One schema change, applied once per database and recorded in {@code schema_migrations} under
 * its {@code id}. Ids are permanent: never edit a released migration, add a new one. A
 * {@code null} statement for a dialect means "nothing to do there".
 *
 * @param id a unique, stable name such as {@code "monitor-001-create-monitors"}
 * @param duckdb the statement for DuckDB, or {@code null}
 * @param postgres the statement for PostgreSQL, or {@code null}
 */
public record Migration(String id, String duckdb, String postgres) {

    public Migration {
        Objects.requireNonNull(id, "id");
    }

    /** The same statement on both databases. */
    public static Migration of(String id, String sql) {
        return new Migration(id, sql, sql);
    }

    /** The statement for {@code dialect}, or {@code null} when there is nothing to do. */
    public String sql(Dialect dialect) {
        return dialect == Dialect.DUCKDB ? duckdb : postgres;
    }
}
