package dev.apianalytics.server.storage;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The SQL database behind {@link Storage}; handlers that write their own SQL switch on it. */
public enum Dialect {
    /**
     * Reads of many rows select text as its UTF-8 bytes: the JDBC driver turns every text value
     * of a fetched chunk into a Java string through JNI, which made reading a 50,000-row page
     * three times slower than fetching the bytes and decoding them here.
     */
    DUCKDB {
        @Override
        String selectedText(String column) {
            return "encode(" + column + ")";
        }

        @Override
        public String text(ResultSet rows, int index) throws SQLException {
            byte[] utf8 = rows.getBytes(index);
            return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
        }
    },
    POSTGRESQL;

    /** Text columns as a read of many rows selects them, comma-separated; {@link #text} reads each back. */
    public String bulkText(String... columns) {
        StringBuilder select = new StringBuilder();
        for (String column : columns) {
            select.append(select.length() == 0 ? "" : ", ").append(selectedText(column));
        }
        return select.toString();
    }

    String selectedText(String column) {
        return column;
    }

    /** The text selected with {@link #bulkText} at {@code index}. */
    public String text(ResultSet rows, int index) throws SQLException {
        return rows.getString(index);
    }
}
