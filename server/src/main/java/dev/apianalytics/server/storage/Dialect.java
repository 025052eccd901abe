package dev.apianalytics.server.storage;

/** The SQL database behind {@link Storage}; handlers that write their own SQL switch on it. */
public enum Dialect {
    DUCKDB,
    POSTGRESQL;

    /**
     * Text columns as a read of many rows selects them: {@link TextColumns#select()} goes into the
     * SELECT list, {@link TextColumns#read} gives a row's values back in this order.
     */
    public TextColumns bulkText(String... columns) {
        return this == DUCKDB ? TextColumns.packed(columns) : TextColumns.plain(columns);
    }
}
