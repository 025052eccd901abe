package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.storage.InstantText;
import dev.apianalytics.server.storage.TextColumns;
import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;

/** Writes the rows behind the dashboard's current view as CSV (RFC 4180), oldest first. */
final class CsvExport {

    static final String HEADER = "created_at,hostname,ip_address,method,path,route,status,response_time_ms,"
            + "user_agent,client,os,device,bot,country,user_id,referrer,framework";
    /** A cap so one click cannot stream a whole database; the header line names it when reached. */
    static final int MAX_ROWS = 1_000_000;

    private final Connection connection;
    private final Dialect dialect;

    CsvExport(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /** Streams the rows; returns how many were written. */
    long write(long keyId, DashboardQuery query, Instant now, Writer out) throws SQLException, IOException {
        Instant from = query.period() == DashboardQuery.Period.ALL ? Instant.EPOCH : query.from(now, null);
        DashboardSql sql = new DashboardSql(dialect, query, from, now.plusMillis(1));
        List<Object> parameters = DashboardSql.list();
        String where = sql.where(keyId, from, now.plusMillis(1), parameters);
        // the CSV's columns are HEADER's: the texts in its order, the three others put in between below
        TextColumns texts = dialect.bulkText("hostname", "ip_address", "method", "path", "route", "user_agent", "client",
                "os", "device", "location", "user_id", "referrer", "framework");
        String text = "SELECT created_at, status, response_time, bot, " + texts.select() + " FROM requests WHERE " + where
                + " ORDER BY created_at LIMIT " + MAX_ROWS;
        out.write(HEADER);
        out.write("\r\n");
        long count = 0;
        boolean autoCommit = connection.getAutoCommit();
        if (dialect == Dialect.POSTGRESQL) {
            connection.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
        }
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            select.setFetchSize(5_000);
            try (ResultSet rows = select.executeQuery()) {
                StringBuilder line = new StringBuilder(256);
                String[] values = texts.newRow();
                InstantText createdAt = new InstantText();
                while (rows.next()) {
                    line.setLength(0);
                    LocalDateTime created = rows.getObject(1, LocalDateTime.class);
                    line.append(createdAt.chars(), 0, createdAt.format(created.toInstant(ZoneOffset.UTC)));
                    texts.read(rows, 5, values);
                    for (int i = 0; i < values.length; i++) {
                        line.append(',');
                        field(line, values[i]);
                        if (i == 4) {
                            line.append(',').append(rows.getInt(2)).append(',').append(rows.getDouble(3));
                        } else if (i == 8) {
                            line.append(',').append(rows.getBoolean(4));
                        }
                    }
                    line.append("\r\n");
                    out.write(line.toString());
                    count++;
                }
            }
        } finally {
            if (dialect == Dialect.POSTGRESQL) {
                connection.commit();
                connection.setAutoCommit(autoCommit);
            }
        }
        return count;
    }

    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]{1,30}(\\.[0-9]{1,30})?");

    /** Quotes a field when it holds a separator, a quote or a line break; neutralises spreadsheet formulas. */
    static void field(StringBuilder line, String value) {
        if (value == null) {
            return;
        }
        String text = value;
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 && !isNumber(text)) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            line.append('"').append(text.replace("\"", "\"\"")).append('"');
        } else {
            line.append(text);
        }
    }

    /**
     * A plain decimal such as {@code -12.5}, by a grammar of our own: Java's would also pass
     * {@code -0x1p3}, {@code +1d}, {@code -Infinity} and {@code -NaN}, which a spreadsheet evaluates.
     */
    static boolean isNumber(String text) {
        return PLAIN_DECIMAL.matcher(text).matches();
    }
}
