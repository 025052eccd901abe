package dev.apianalytics.server.storage;

/** The SQL database behind {@link Storage}; handlers that write their own SQL switch on it. */
public enum Dialect {
    DUCKDB,
    POSTGRESQL
}
