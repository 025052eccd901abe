package dev.apianalytics.server.storage;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Text columns of a read of many rows ({@link Dialect#bulkText}). On DuckDB they are packed into
 * one value per row: its JDBC driver turns every text value of a fetched chunk into a Java object
 * through JNI, which made fetching a 50,000-row page of 13 text columns take 190 to 280 ms, where
 * the same texts as one value a row take 55 to 90 ms and are split here. The packed value is the
 * UTF-8 bytes of the columns' byte lengths ({@code n} for NULL), comma-separated, a colon, then
 * the columns' texts one after the other.
 */
public final class TextColumns {

    private final String select;
    private final int count;
    private final boolean packed;

    private TextColumns(String select, int count, boolean packed) {
        this.select = select;
        this.count = count;
        this.packed = packed;
    }

    static TextColumns plain(String... columns) {
        return new TextColumns(String.join(", ", columns), columns.length, false);
    }

    /** DuckDB: {@code strlen} counts bytes, {@code concat} skips NULLs, {@code encode} gives the bytes. */
    static TextColumns packed(String... columns) {
        StringBuilder select = new StringBuilder("encode(concat(");
        for (int i = 0; i < columns.length; i++) {
            select.append("coalesce(CAST(strlen(").append(columns[i]).append(") AS VARCHAR), 'n'), '")
                    .append(i == columns.length - 1 ? ':' : ',').append("', ");
        }
        select.append(String.join(", ", columns)).append("))");
        return new TextColumns(select.toString(), columns.length, true);
    }

    /** What goes into the SELECT list. */
    public String select() {
        return select;
    }

    /** An array for {@link #read} to fill, one element a column. */
    public String[] newRow() {
        return new String[count];
    }

    /** The row's texts, selected from result column {@code first} on, into {@code values}. */
    public void read(ResultSet rows, int first, String[] values) throws SQLException {
        if (!packed) {
            for (int i = 0; i < count; i++) {
                values[i] = rows.getString(first + i);
            }
            return;
        }
        byte[] bytes = rows.getBytes(first);
        int[] lengths = new int[count];
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (bytes[at] == 'n') {
                lengths[i] = -1;
                at++;
            } else {
                int length = 0;
                while (bytes[at] >= '0' && bytes[at] <= '9') {
                    length = length * 10 + bytes[at++] - '0';
                }
                lengths[i] = length;
            }
            at++; // the comma, or the colon after the last
        }
        for (int i = 0; i < count; i++) {
            if (lengths[i] < 0) {
                values[i] = null;
            } else {
                values[i] = new String(bytes, at, lengths[i], StandardCharsets.UTF_8);
                at += lengths[i];
            }
        }
    }
}
