package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.storage.Dialect;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL the dashboard's panels share: the row filter, and expressions whose spelling differs
 * between DuckDB and PostgreSQL. {@code created_at} is a UTC {@code TIMESTAMP} on both.
 */
final class DashboardSql {

    /** The endpoint a request belongs to: its route template, or its path when the framework knew none. */
    static final String ENDPOINT = "coalesce(route, path)";
    /** Who made a request: the user id where the middleware mapped one, otherwise the IP address. */
    static final String USER = "coalesce(user_id, ip_address)";
    static final String SUCCESS = "CASE WHEN status < 400 THEN 1 ELSE 0 END";

    private final Dialect dialect;
    private final DashboardQuery query;

    DashboardSql(Dialect dialect, DashboardQuery query) {
        this.dialect = dialect;
        this.query = query;
    }

    Dialect dialect() {
        return dialect;
    }

    /** {@code created_at} as wall-clock time in the browser's zone. */
    String localTime() {
        String zone = query.zoneSql();
        return dialect == Dialect.DUCKDB
                ? "timezone('" + zone + "', timezone('UTC', created_at))"
                : "((created_at AT TIME ZONE 'UTC') AT TIME ZONE '" + zone + "')";
    }

    String hourOfDay() {
        return "CAST(extract(hour FROM " + localTime() + ") AS INTEGER)";
    }

    /** ISO day of week, 1 Monday to 7 Sunday. */
    String weekday() {
        return "CAST(extract(isodow FROM " + localTime() + ") AS INTEGER)";
    }

    /** {@code v2} for {@code /api/v2/users}, null when the path names no version. */
    String version() {
        return dialect == Dialect.DUCKDB
                ? "nullif(lower(regexp_extract(path, '/([vV][0-9]+)(/|$)', 1)), '')"
                : "lower(substring(path from '/([vV][0-9]+)(?:/|$)'))";
    }

    String epochSeconds() {
        return "extract(epoch FROM created_at)";
    }

    /** A percentile of response time over the rows that pass {@code condition} (or all when null). */
    String percentile(double fraction, String condition) {
        String filter = condition == null ? "" : " FILTER (WHERE " + condition + ")";
        return dialect == Dialect.DUCKDB
                ? "quantile_cont(response_time, " + fraction + ")" + filter
                : "percentile_cont(" + fraction + ") WITHIN GROUP (ORDER BY response_time)" + filter;
    }

    /**
     * The WHERE clause for one key between {@code from} (inclusive) and {@code to} (exclusive),
     * with every filter and setting of the query; {@code parameters} receives the bound values.
     */
    String where(long keyId, Instant from, Instant to, List<Object> parameters) {
        StringBuilder where = new StringBuilder("key_id = ? AND created_at >= ? AND created_at < ?");
        parameters.add(keyId);
        parameters.add(utc(from));
        parameters.add(utc(to));
        equal(where, parameters, "hostname", query.hostname());
        equal(where, parameters, ENDPOINT, query.endpoint());
        equal(where, parameters, "method", query.method());
        if (query.statusFrom() != null) {
            if (query.statusFrom().equals(query.statusTo())) {
                equal(where, parameters, "status", query.statusFrom());
            } else {
                where.append(" AND status BETWEEN ? AND ?");
                parameters.add(query.statusFrom());
                parameters.add(query.statusTo());
            }
        }
        equal(where, parameters, "location", query.country());
        equal(where, parameters, "client", query.client());
        equal(where, parameters, "os", query.os());
        equal(where, parameters, "device", query.device());
        equal(where, parameters, hourOfDay(), query.hour());
        equal(where, parameters, weekday(), query.weekday());
        equal(where, parameters, version(), query.version());
        equal(where, parameters, USER, query.user());
        if (query.exclude404()) {
            where.append(" AND status <> 404");
        }
        if (query.excludeBots()) {
            where.append(" AND NOT bot");
        }
        for (String pattern : query.hidden()) {
            where.append(" AND NOT (").append(ENDPOINT).append(" LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\')");
            String like = like(pattern);
            parameters.add(like);
            parameters.add(like);
        }
        return where.toString();
    }

    /** A hidden-endpoint pattern as LIKE: {@code *} matches anything, everything else literally. */
    static String like(String pattern) {
        StringBuilder like = new StringBuilder(pattern.length() + 4);
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> like.append('%');
                case '%', '_', '\\' -> like.append('\\').append(c);
                default -> like.append(c);
            }
        }
        return like.toString();
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object value = parameters.get(i);
            if (value instanceof Integer number) {
                statement.setInt(i + 1, number);
            } else if (value instanceof Long number) {
                statement.setLong(i + 1, number);
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }

    static List<Object> list() {
        return new ArrayList<>();
    }

    private static void equal(StringBuilder where, List<Object> parameters, String expression, Object value) {
        if (value != null) {
            where.append(" AND ").append(expression).append(" = ?");
            parameters.add(value);
        }
    }
}
