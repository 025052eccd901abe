package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.dashboard.DashboardData.Count;
import dev.apianalytics.server.dashboard.DashboardData.UserRow;
import dev.apianalytics.server.dashboard.SummarySource.Filters;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.summary.Summaries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The breakdown panels of a summarised view: countries, clients, OSes, devices, referrers,
 * endpoints, versions and top users.
 */
record SummaryBreakdowns(Map<Integer, List<Count>> values, Panels.Endpoints endpoints, List<UserRow> users) {

    static SummaryBreakdowns read(Connection connection, SummarySource source, Filters filters, DashboardSql sql)
            throws SQLException {
        return new SummaryBreakdowns(values(connection, source, filters), endpoints(connection, source, filters, sql),
                users(connection, source, filters));
    }

    /** The requests per value of one dimension ({@link Summaries#COUNTRY} ...). */
    List<Count> values(int dimension) {
        return values.getOrDefault(dimension, List.of());
    }

    /** Requests per value of each dimension ({@link Summaries#COUNTRY} ...). */
    private static Map<Integer, List<Count>> values(Connection connection, SummarySource source, Filters filters)
            throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String rows = source.selectByDay("rollup_values", "dimension, value, requests", filters, parameters);
        String text = "SELECT CAST(dimension AS INTEGER), value, CAST(sum(requests) AS BIGINT) FROM (" + rows + ") v GROUP BY 1, 2";
        Map<Integer, List<Count>> values = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    values.computeIfAbsent(result.getInt(1), d -> new ArrayList<>())
                            .add(new Count(result.getString(2), result.getLong(3)));
                }
            }
        }
        return values;
    }

    private static Panels.Endpoints endpoints(Connection connection, SummarySource source, Filters filters, DashboardSql sql)
            throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String rows = source.selectByDay("rollup_endpoints", "status, method, endpoint, requests, time_sum", filters, parameters);
        String grouped = "SELECT method, endpoint, CAST(sum(requests) AS BIGINT) AS n" + Panels.statusClasses("requests")
                + ", sum(time_sum) / sum(requests) AS mean FROM (" + rows + ") e GROUP BY method, endpoint";
        return Panels.endpoints(connection, sql, grouped, parameters);
    }

    private static List<UserRow> users(Connection connection, SummarySource source, Filters filters) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String rows = source.selectByDay("rollup_top_users", "user_key, requests, successes, last_seen", filters, parameters);
        String text = "SELECT user_key, CAST(sum(requests) AS BIGINT), CAST(sum(successes) AS BIGINT), max(last_seen) FROM ("
                + rows + ") u GROUP BY user_key ORDER BY 2 DESC, 1 LIMIT " + Panels.TOP;
        List<UserRow> users = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(text)) {
            DashboardSql.bind(select, parameters);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    long requests = result.getLong(2);
                    users.add(new UserRow(result.getString(1), requests, Panels.ratio(result.getLong(3), requests),
                            Storage.instant(result, 4).toString()));
                }
            }
        }
        return users;
    }
}
