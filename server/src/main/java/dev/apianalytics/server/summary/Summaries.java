package dev.apianalytics.server.summary;

import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.storage.Schema;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Hourly summaries of each key's requests, so that the dashboard reads a few hundred thousand
 * summary rows instead of tens of millions of requests. One hour of one key is split by what the
 * dashboard's settings filter on (hostname, bot or not, 404 or not); everything else it shows is
 * summed per hour:
 *
 * <ul>
 *   <li>{@code rollup_endpoints}: requests and total response time per method, endpoint and status;
 *   <li>{@code rollup_values}: requests per country, client, OS, device and referrer;
 *   <li>{@code rollup_top_users}: the {@link #TOP_USERS_PER_HOUR} busiest users of the hour;
 *   <li>{@link #DAY_TABLES}: the endpoints and values summed over each UTC day, and the busiest
 *       of the hours' top users, plain and per slice, so that a month's panels read a day's rows
 *       where they read 24 hours' (the top users of a month: thousands of rows rather than 36,000
 *       per split);
 *   <li>{@code rollup_sketches}: a {@link LatencyHistogram} and {@link DistinctSketch}es of IP
 *       addresses, user ids and users, mergeable across hours;
 *   <li>{@code rollup_quarters} and {@code rollup_quarter_users}: requests, successes, response
 *       time and users per quarter of each hour, so that zones offset by 30 or 45 minutes (India,
 *       Nepal, parts of Australia) get their local hours and days from summaries too;
 *   <li>{@code rollup_slice_*} and {@link #SLICE_SKETCH_TABLES}: the endpoints, values, top
 *       users, quarter hours and sketches again, per
 *       {@linkplain #SLICES slice}: per status code, method and endpoint, country, client, OS,
 *       device and API version, so that a view filtered by one of them is answered without the rows;
 *       a slice value's sketches hold its users per quarter hour too, for the zones offset by 30 or
 *       45 minutes.
 * </ul>
 *
 * <p>The SELECTs below turn request rows into summary rows; {@link SummaryJob} stores their
 * results, and the dashboard runs the same SELECTs over the few rows not yet summarised.
 */
public final class Summaries {

    /** Users kept per hour and split; a user outside them is not counted for that hour in "top users". */
    public static final int TOP_USERS_PER_HOUR = 50;
    /** Users kept per hour, split and slice value ({@link #TOP_USERS_PER_HOUR} would store more users than requests). */
    public static final int TOP_USERS_PER_SLICE = 10;

    /**
     * Users kept per UTC day and split (and slice value) in the day tables, for each kept per hour:
     * a user outside them is not counted for that day, as one outside an hour's top 50 (10 of a
     * slice value) is not for that hour.
     */
    public static final int DAY_USERS_PER_HOUR_USER = 2;
    /**
     * An hourly table summarised again per UTC day into {@code name}: the same columns, with
     * {@code day} (its first hour) for {@code hour}; {@code groups} the columns it is grouped by
     * after those two, {@code sums} its sums, or null for a top-users table, of which a day keeps
     * the {@code usersKept} busiest per split (and slice value); {@code columns} declares what
     * follows the split. The job sums a day once its hours are summarised, and again after redoing
     * any of them for late rows ({@link #DAY_MARKS}).
     */
    public record DayTable(String hourly, String name, String groups, String sums, String columns, int usersKept) {

        /** The day rows of the hours where {@code where} holds (whole days). */
        public String select(String where) {
            String day = "date_trunc('day', hour)";
            int grouped = groups.split(",").length + 2;
            if (sums != null) {
                return "SELECT key_id, " + day + ", " + groups + ", " + sums + " FROM " + hourly + " WHERE " + where + " GROUP BY "
                        + ordinals(grouped);
            }
            return "SELECT key_id, day, " + groups + ", user_key, requests, successes, last_seen FROM (SELECT key_id, " + day
                    + " AS day, " + groups + ", user_key, CAST(sum(requests) AS BIGINT) AS requests, CAST(sum(successes) AS BIGINT) "
                    + "AS successes, max(last_seen) AS last_seen, row_number() OVER (PARTITION BY key_id, " + day + ", " + groups
                    + " ORDER BY sum(requests) DESC, user_key) AS r FROM " + hourly + " WHERE " + where + " GROUP BY "
                    + ordinals(grouped + 1) + ") ranked WHERE r <= " + usersKept;
        }

        private static String ordinals(int count) {
            return String.join(", ", Stream.iterate(1, i -> i <= count, i -> i + 1).map(String::valueOf).toList());
        }
    }

    private static final String USER_COLUMNS = "user_key VARCHAR NOT NULL, requests BIGINT NOT NULL, successes BIGINT NOT NULL, "
            + "last_seen TIMESTAMP NOT NULL";
    private static final String ENDPOINT_COLUMNS = "status SMALLINT NOT NULL, method VARCHAR NOT NULL, endpoint VARCHAR NOT NULL, "
            + "requests BIGINT NOT NULL, time_sum FLOAT8 NOT NULL";
    private static final String VALUE_COLUMNS = "dimension SMALLINT NOT NULL, value VARCHAR, requests BIGINT NOT NULL";
    private static final String SLICE_COLUMNS = "slice SMALLINT NOT NULL, slice_value VARCHAR, ";
    private static final String ENDPOINT_SUMS = "CAST(sum(requests) AS BIGINT), sum(time_sum)";

    /**
     * The tables summarised again per UTC day ({@link DayTable}): the endpoints, values and top users,
     * plain and per slice. A day keeps twice an hour's users (100, 20 of a slice value): the
     * endpoint slice's top users of a month at 1M rows are 32,000 rows, where the hours' are 286,000.
     */
    public static final List<DayTable> DAY_TABLES = List.of(
            new DayTable("rollup_endpoints", "rollup_day_endpoints", "hostname, bot, status, method, endpoint", ENDPOINT_SUMS,
                    ENDPOINT_COLUMNS, 0),
            new DayTable("rollup_values", "rollup_day_values", "hostname, bot, not_found, dimension, value",
                    "CAST(sum(requests) AS BIGINT)", "not_found BOOLEAN NOT NULL, " + VALUE_COLUMNS, 0),
            new DayTable("rollup_top_users", "rollup_day_users", "hostname, bot, not_found", null,
                    "not_found BOOLEAN NOT NULL, " + USER_COLUMNS, DAY_USERS_PER_HOUR_USER * TOP_USERS_PER_HOUR),
            new DayTable("rollup_slice_endpoints", "rollup_slice_day_endpoints",
                    "hostname, bot, slice, slice_value, status, method, endpoint", ENDPOINT_SUMS, SLICE_COLUMNS + ENDPOINT_COLUMNS, 0),
            new DayTable("rollup_slice_values", "rollup_slice_day_values",
                    "hostname, bot, not_found, slice, slice_value, dimension, value", "CAST(sum(requests) AS BIGINT)",
                    "not_found BOOLEAN NOT NULL, " + SLICE_COLUMNS + VALUE_COLUMNS, 0),
            new DayTable("rollup_slice_top_users", "rollup_slice_day_users", "hostname, bot, not_found, slice, slice_value", null,
                    "not_found BOOLEAN NOT NULL, " + SLICE_COLUMNS + USER_COLUMNS, DAY_USERS_PER_HOUR_USER * TOP_USERS_PER_SLICE));

    /** The name of {@code hourly}'s day table, or null when it has none. */
    public static String dayTableOf(String hourly) {
        return DAY_TABLES.stream().filter(table -> table.hourly().equals(hourly)).map(DayTable::name).findFirst().orElse(null);
    }

    /** {@code rollup_values.dimension}: what {@code value} is. */
    public static final int COUNTRY = 1;
    public static final int CLIENT = 2;
    public static final int OS = 3;
    public static final int DEVICE = 4;
    public static final int REFERRER = 5;

    /**
     * The sketches of each slice, in a table per slice: a view reads one slice's sketches, and
     * DuckDB, which has no index, skips another slice's rows only where they lie apart (one
     * table of all six, hour after hour, cost a 30-day view 0.3 s to read 37 MB where a table
     * of the slice alone takes 0.08 s).
     */
    public static final List<String> SLICE_SKETCH_TABLES = List.of("rollup_status_sketches", "rollup_endpoint_sketches",
            "rollup_country_sketches", "rollup_client_sketches", "rollup_os_sketches", "rollup_device_sketches",
            "rollup_version_sketches");

    public static final List<String> TABLES = Stream.concat(Stream.of("rollup_endpoints", "rollup_values", "rollup_top_users",
            "rollup_sketches", "rollup_quarters", "rollup_quarter_users", "rollup_slice_endpoints", "rollup_slice_values",
            "rollup_slice_top_users", "rollup_slice_quarters"), SLICE_SKETCH_TABLES.stream()).toList();
    /**
     * The finer summaries (quarter hours and slices), which came after the others: on a database
     * summarised before them they start later ({@link SummaryJob#finerFrom}).
     */
    public static final List<String> FINER_TABLES = TABLES.subList(4, TABLES.size());
    /** The days of a key whose hours were redone for late rows and whose day tables are yet to be summed again. */
    public static final String DAY_MARKS = "rollup_day_marks";

    /** Every summary table of a key: {@link #TABLES}, whose rows are hours, the {@link #DAY_TABLES} and {@link #DAY_MARKS}. */
    public static final List<String> KEY_TABLES = Stream.concat(Stream.concat(TABLES.stream(),
            DAY_TABLES.stream().map(DayTable::name)), Stream.of(DAY_MARKS)).toList();

    /** {@code rollup_slice_*.slice}: what {@code slice_value} is. */
    public static final int SLICE_STATUS = 1;
    public static final int SLICE_ENDPOINT = 2;
    public static final int SLICE_COUNTRY = 3;
    public static final int SLICE_CLIENT = 4;
    public static final int SLICE_OS = 5;
    public static final int SLICE_DEVICE = 6;
    public static final int SLICE_VERSION = 7;
    /**
     * The API version an endpoint names in its first or second segment ({@code v2} for
     * {@code /v2/items} and {@code /api/v2/items}), else null; the same SQL on DuckDB and
     * PostgreSQL. The regular expression (about a microsecond) runs only on endpoints with
     * {@code /v} in them: either the first alternative matches and leaves the version, or the
     * second takes the whole endpoint and leaves nothing ({@code (?s)}: line breaks and all).
     */
    public static final String VERSION = "CASE WHEN coalesce(route, path) LIKE '%/v%' THEN nullif(regexp_replace("
            + "coalesce(route, path), '(?s)^/(?:[^/]+/)?(v[0-9]{1,7})(?:/.*)?$|^.*$', '\\1'), '') END";
    /**
     * Whether {@code endpoint} (SQL) names API {@code version}, as {@link #VERSION} reads it: its
     * second segment when that is a version, else its first. The same answer as
     * {@code VERSION = version}, on DuckDB and PostgreSQL, by matching rather than extracting: a
     * match needs no capture, which RE2 answers by a DFA, for a fifth of the cost a row (the users of
     * 60 hours of 10M rows filtered by version: 236 ms against 511 ms, the matches 40 ms against 300).
     */
    public static String versionIs(String endpoint, String version) {
        versionLiteral(version);
        String second = "'(?s)^/[^/]+/%s(?:/.*)?$'";
        return "(" + endpoint + " LIKE '%/" + version + "%' AND (" + endpoint + " ~ " + second.formatted(version) + " OR "
                + endpoint + " ~ '(?s)^/" + version + "(?:/.*)?$' AND NOT " + endpoint + " ~ " + second.formatted("v[0-9]{1,7}") + "))";
    }

    /**
     * {@code version}, checked to be an API version ({@code v} and up to seven digits), so that it
     * can be written into SQL as it is.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static String versionLiteral(String version) {
        if (!version.matches("v[0-9]{1,7}")) {
            throw new IllegalArgumentException("not an API version: " + version);
        }
        return version;
    }

    /**
     * The value of each slice, by slice number from 1: the status code as text, method and
     * endpoint ({@code GET /users/{id}}), the country, client, OS, device and API version. Each
     * slice costs the job a scan of the rows per table and a set of sketches per value.
     */
    public static final List<String> SLICES = List.of("CAST(status AS VARCHAR)", "method || ' ' || coalesce(route, path)",
            "location", "client", "os", "device", VERSION);
    /**
     * Every slice's number, for the job; the dashboard's live rows ask for their view's alone (DuckDB
     * planning all seven took a third of a sliced view's time in the database).
     */
    static final List<Integer> ALL_SLICES = Stream.iterate(1, slice -> slice <= SLICES.size(), slice -> slice + 1).toList();

    /**
     * The job's copy of the rows it summarises ({@link #copiedRowsSelect}), which its statements
     * read in place of {@code requests}: some thirty passes over the rows (each slice reads them
     * again, per table) and the API version's regular expression (five times a row) cost
     * PostgreSQL, which scans the whole week's partition for each, far more than one copy.
     */
    static final String COPIED_ROWS = "summary_rows";

    static final String HOUR = "date_trunc('hour', created_at)";

    /** The first whole hour at or after {@code instant}: where stored summaries of a range can start. */
    public static Instant firstWholeHour(Instant instant) {
        Instant hour = instant.truncatedTo(ChronoUnit.HOURS);
        return hour.equals(instant) ? hour : hour.plus(1, ChronoUnit.HOURS);
    }
    /** The quarter of its hour a request fell in, 0 to 3; every zone offset of today is whole quarters. */
    static final String QUARTER = "CAST(floor(extract(minute FROM created_at) / 15) AS SMALLINT)";
    private static final String SPLIT = "key_id, " + HOUR + " AS hour, hostname, bot, status = 404 AS not_found";

    private Summaries() {}

    /** Requests and response time per hour, hostname, bot, status, method and endpoint. */
    public static String endpointsSelect(String where) {
        return endpointsSelect("requests", where);
    }

    /** {@link #endpointsSelect(String)} over {@code rows}, a table with the columns of {@code requests}. */
    static String endpointsSelect(String rows, String where) {
        return "SELECT key_id, " + HOUR + " AS hour, hostname, bot, status, method, coalesce(route, path) AS endpoint, "
                + "count(*) AS requests, sum(response_time) AS time_sum FROM " + rows + " WHERE " + where
                + " GROUP BY 1, 2, 3, 4, 5, 6, 7";
    }

    /**
     * Requests per hour, split and value of each of the five dimensions, the rows {@code where}
     * selects read once for all five (a month's ten half hours at the edges of a weekday's local
     * days, of 10M rows: 38 ms where reading them five times took 110 ms).
     */
    public static String valuesSelect(String where) {
        return "WITH value_rows AS MATERIALIZED (SELECT key_id, created_at, hostname, bot, status, location, client, os, device, "
                + "referrer FROM requests WHERE " + where + ") " + valuesSelect("value_rows", "1 = 1");
    }

    static String valuesSelect(String rows, String where) {
        String[][] dimensions = {{"location", "" + COUNTRY}, {"client", "" + CLIENT}, {"os", "" + OS},
                {"device", "" + DEVICE}, {"referrer", "" + REFERRER}};
        StringBuilder select = new StringBuilder();
        for (String[] dimension : dimensions) {
            select.append(select.length() == 0 ? "" : " UNION ALL ")
                    .append("SELECT ").append(SPLIT).append(", CAST(").append(dimension[1]).append(" AS SMALLINT) AS dimension, ")
                    .append(dimension[0]).append(" AS value, count(*) AS requests FROM ").append(rows).append(" WHERE ").append(where)
                    .append(" GROUP BY 1, 2, 3, 4, 5, 7");
        }
        return select.toString();
    }

    /**
     * Requests, successes and last request per hour, split and user (user id, or IP address
     * without one); with {@code limit} only the busiest that many per hour and split.
     */
    public static String usersSelect(String where, Integer limit) {
        return usersSelect("requests", where, limit);
    }

    static String usersSelect(String rows, String where, Integer limit) {
        String user = Schema.USER_KEY;
        String grouped = "SELECT " + SPLIT + ", " + user + " AS user_key, count(*) AS requests, "
                + "CAST(sum(CASE WHEN status < 400 THEN 1 ELSE 0 END) AS BIGINT) AS successes, max(created_at) AS last_seen";
        if (limit == null) {
            return grouped + " FROM " + rows + " WHERE " + where + " AND " + user + " IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6";
        }
        return "SELECT key_id, hour, hostname, bot, not_found, user_key, requests, successes, last_seen FROM (" + grouped
                + ", row_number() OVER (PARTITION BY key_id, " + HOUR + ", hostname, bot, status = 404 ORDER BY count(*) DESC, "
                + user + ") AS r FROM " + rows + " WHERE " + where + " AND " + user + " IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) ranked "
                + "WHERE r <= " + limit;
    }

    /** Requests, successes and total response time per hour, split and quarter of the hour. */
    public static String quartersSelect(String where) {
        return quartersSelect("requests", where);
    }

    static String quartersSelect(String rows, String where) {
        return "SELECT " + SPLIT + ", " + QUARTER + " AS quarter, count(*) AS requests, "
                + "CAST(sum(CASE WHEN status < 400 THEN 1 ELSE 0 END) AS BIGINT) AS successes, sum(response_time) AS time_sum "
                + "FROM " + rows + " WHERE " + where + " GROUP BY 1, 2, 3, 4, 5, 6";
    }

    /**
     * The quarter hours per slice: {@link #quartersSelect} with {@code slice} and {@code slice_value}; {@code where}
     * appears once a slice. The dashboard's live rows ask for their view's {@code slice} alone, and
     * give its {@code value} where {@code where} keeps that value's rows only (else null, see {@link #slices}).
     */
    public static String sliceQuartersSelect(String where, int slice, String value) {
        return sliceQuartersSelect("requests", where, List.of(slice), value);
    }

    static String sliceQuartersSelect(String rows, String where, List<Integer> slices, String value) {
        return slices(rows, where, slices, value, QUARTER + " AS quarter, status, response_time",
                "SELECT key_id, hour, hostname, bot, not_found, slice, slice_value, quarter, count(*) AS requests, "
                        + "CAST(sum(CASE WHEN status < 400 THEN 1 ELSE 0 END) AS BIGINT) AS successes, sum(response_time) AS time_sum "
                        + "FROM (%s) s GROUP BY 1, 2, 3, 4, 5, 6, 7, 8");
    }

    /** The endpoints per slice: {@link #endpointsSelect} with {@code slice} and {@code slice_value}, as {@link #sliceQuartersSelect}. */
    public static String sliceEndpointsSelect(String where, int slice, String value) {
        return sliceEndpointsSelect("requests", where, List.of(slice), value);
    }

    static String sliceEndpointsSelect(String rows, String where, List<Integer> slices, String value) {
        return slices(rows, where, slices, value, "status, method, coalesce(route, path) AS endpoint, response_time",
                "SELECT key_id, hour, hostname, bot, slice, slice_value, status, method, endpoint, count(*) AS requests, "
                        + "sum(response_time) AS time_sum FROM (%s) s GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9");
    }

    /** The values per slice: {@link #valuesSelect} with {@code slice} and {@code slice_value}, as {@link #sliceQuartersSelect}. */
    public static String sliceValuesSelect(String where, int slice, String value) {
        return sliceValuesSelect("requests", where, List.of(slice), value);
    }

    static String sliceValuesSelect(String rows, String where, List<Integer> slices, String value) {
        String split = "key_id, hour, hostname, bot, not_found, slice, slice_value, ";
        StringBuilder sets = new StringBuilder();
        for (String column : List.of("location", "client", "os", "device", "referrer")) {
            sets.append(sets.length() == 0 ? "" : ", ").append("(").append(split).append(column).append(")");
        }
        // GROUPING() sets a bit per column not grouped, the first the highest: 15 is location's set. The
        // value is picked by the set, not coalesced: with one slice PostgreSQL merges slice_value with
        // its column (device for the device slice), which every set groups and none sets to null
        String grouping = "CASE GROUPING(location, client, os, device, referrer) WHEN 15 THEN %s WHEN 23 THEN %s WHEN 27 THEN %s "
                + "WHEN 29 THEN %s ELSE %s END";
        return slices(rows, where, slices, value, "location, client, os, device, referrer",
                "SELECT " + split + "CAST(" + grouping.formatted(COUNTRY, CLIENT, OS, DEVICE, REFERRER) + " AS SMALLINT) AS dimension, "
                        + grouping.formatted("location", "client", "os", "device", "referrer") + " AS value, "
                        + "count(*) AS requests FROM (%s) s GROUP BY GROUPING SETS (" + sets + ")");
    }

    /** All users per hour, split and value of one slice, as {@link #sliceQuartersSelect}. */
    public static String sliceUsersSelect(String where, int slice, String value) {
        return sliceUsersSelect("requests", where, null, List.of(slice), value);
    }

    /**
     * Users per hour, split and value of {@code slices}, with {@code limit} only the busiest that many;
     * {@code where} appears once a slice.
     */
    static String sliceUsersSelect(String rows, String where, Integer limit, List<Integer> slices, String value) {
        String grouped = "SELECT key_id, hour, hostname, bot, not_found, slice, slice_value, user_key, count(*) AS requests, "
                + "CAST(sum(CASE WHEN status < 400 THEN 1 ELSE 0 END) AS BIGINT) AS successes, max(created_at) AS last_seen, "
                + "row_number() OVER (PARTITION BY key_id, hour, hostname, bot, not_found, slice, slice_value "
                + "ORDER BY count(*) DESC, user_key) AS r FROM (%s) s WHERE user_key IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8";
        return "SELECT key_id, hour, hostname, bot, not_found, slice, slice_value, user_key, requests, successes, last_seen FROM ("
                + slices(rows, where, slices, value, Schema.USER_KEY + " AS user_key, status, created_at", grouped)
                + ") ranked" + (limit == null ? "" : " WHERE r <= " + limit);
    }

    /**
     * {@code outer} (with %s) over the rows of {@code slices}, each with its {@code slice} and
     * {@code slice_value}; rows without a value (no country, no version) are in no slice: no filter
     * can ask for them, and an API without versions would otherwise summarise everything again.
     * With {@code value} (SQL, or null), {@code where} holds the rows of that one value of the one
     * slice, which is then taken as it is rather than worked out for each row.
     */
    private static String slices(String rows, String where, List<Integer> slices, String value, String columns, String outer) {
        if (value != null && slices.size() != 1) {
            throw new IllegalArgumentException("a known value is one slice's");
        }
        StringBuilder union = new StringBuilder();
        for (int slice : slices) {
            union.append(union.length() == 0 ? "" : " UNION ALL ").append("SELECT ").append(SPLIT).append(", CAST(").append(slice)
                    .append(" AS SMALLINT) AS slice, ").append(value == null ? sliceValue(rows, slice) : value)
                    .append(" AS slice_value, ").append(columns).append(" FROM ").append(rows).append(" WHERE ").append(where);
            if (value == null) {
                union.append(" AND ").append(sliceValue(rows, slice)).append(" IS NOT NULL");
            }
        }
        return String.format(outer, union);
    }

    /**
     * The columns of {@code rows} (a table like {@code requests}, or a join with one) that the
     * summaries read, with each slice's value worked out ({@code slice_1} ...), for
     * {@link #COPIED_ROWS}.
     */
    static String copiedRowsSelect(String rows, String where) {
        return "SELECT key_id, created_at, hostname, bot, status, method, route, path, response_time, ip_address, user_id, "
                + "location, client, os, device, referrer" + sliceColumns("requests") + " FROM " + rows + " WHERE " + where;
    }

    /** The value of {@code slice} in {@code rows}: worked out, or read from {@link #COPIED_ROWS}. */
    private static String sliceValue(String rows, int slice) {
        return rows.equals(COPIED_ROWS) ? "slice_" + slice : SLICES.get(slice - 1);
    }

    /**
     * What the sketches are built from, one row per request, the hour as epoch seconds (reading
     * a number is several times cheaper than reading a timestamp, and this reads every row), then
     * the quarter of the hour and the value of each slice ({@code slice_1} ...).
     */
    public static String sketchRowsSelect(String where) {
        return sketchRowsSelect("requests", where);
    }

    static String sketchRowsSelect(String rows, String where) {
        return "SELECT key_id, CAST(extract(epoch FROM " + HOUR + ") AS BIGINT) AS hour, hostname, bot, status = 404 AS not_found, "
                + "response_time, ip_address, user_id, " + QUARTER + " AS quarter" + sliceColumns(rows) + " FROM " + rows + " WHERE " + where;
    }

    /**
     * Who made each request (hour as epoch seconds, quarter, IP address, user id), with the split:
     * narrower than {@link #sketchRowsSelect}, for the users of a few hours of one slice, whose
     * condition {@code where} holds.
     */
    public static String userRowsSelect(String where) {
        return "SELECT CAST(extract(epoch FROM " + HOUR + ") AS BIGINT) AS hour, " + QUARTER + " AS quarter, ip_address, user_id, "
                + "hostname, bot, status = 404 AS not_found FROM requests WHERE " + where;
    }

    private static String sliceColumns(String rows) {
        StringBuilder columns = new StringBuilder();
        for (int slice = 1; slice <= SLICES.size(); slice++) {
            columns.append(", ").append(sliceValue(rows, slice)).append(" AS slice_").append(slice);
        }
        return columns.toString();
    }

    /**
     * The tables, created once; PostgreSQL also gets an index per table for one key's hours.
     * They keep the {@code rollup_} prefix of their first name (and {@code rolled_until}): a
     * rename would be a migration on every existing database, DuckDB and PostgreSQL, and a
     * window in which an older collector sharing the database finds no tables, for a word only
     * SQL reads.
     */
    public static List<Migration> migrations() {
        String split = "key_id BIGINT NOT NULL, hour TIMESTAMP NOT NULL, hostname VARCHAR, bot BOOLEAN NOT NULL, ";
        List<Migration> migrations = new ArrayList<>(List.of(
                Migration.of("rollup-001-endpoints", "CREATE TABLE IF NOT EXISTS rollup_endpoints (" + split
                        + "status SMALLINT NOT NULL, method VARCHAR NOT NULL, endpoint VARCHAR NOT NULL, "
                        + "requests BIGINT NOT NULL, time_sum FLOAT8 NOT NULL)"),
                Migration.of("rollup-002-values", "CREATE TABLE IF NOT EXISTS rollup_values (" + split
                        + "not_found BOOLEAN NOT NULL, dimension SMALLINT NOT NULL, value VARCHAR, requests BIGINT NOT NULL)"),
                Migration.of("rollup-003-top-users", "CREATE TABLE IF NOT EXISTS rollup_top_users (" + split
                        + "not_found BOOLEAN NOT NULL, user_key VARCHAR NOT NULL, requests BIGINT NOT NULL, "
                        + "successes BIGINT NOT NULL, last_seen TIMESTAMP NOT NULL)"),
                new Migration("rollup-004-sketches",
                        "CREATE TABLE IF NOT EXISTS rollup_sketches (" + split + "not_found BOOLEAN NOT NULL, "
                                + "latency BLOB NOT NULL, ips BLOB NOT NULL, user_ids BLOB NOT NULL, users BLOB NOT NULL)",
                        "CREATE TABLE IF NOT EXISTS rollup_sketches (" + split + "not_found BOOLEAN NOT NULL, "
                                + "latency BYTEA NOT NULL, ips BYTEA NOT NULL, user_ids BYTEA NOT NULL, users BYTEA NOT NULL)"),
                // row 1: every hour before rolled_until is summarised (late rows aside, see late_hours);
                // row 2: the quarter-hour summaries start at rolled_until (SummaryJob.quartersFrom)
                Migration.of("rollup-005-progress",
                        "CREATE TABLE IF NOT EXISTS rollup_progress (id SMALLINT PRIMARY KEY, rolled_until TIMESTAMP NOT NULL)"),
                postgresIndex("rollup-006-endpoints-key-hour", "rollup_endpoints"),
                postgresIndex("rollup-007-values-key-hour", "rollup_values"),
                postgresIndex("rollup-008-top-users-key-hour", "rollup_top_users"),
                postgresIndex("rollup-009-sketches-key-hour", "rollup_sketches"),
                Migration.of("rollup-010-quarters", "CREATE TABLE IF NOT EXISTS rollup_quarters (" + split
                        + "not_found BOOLEAN NOT NULL, quarter SMALLINT NOT NULL, requests BIGINT NOT NULL, "
                        + "successes BIGINT NOT NULL, time_sum FLOAT8 NOT NULL)"),
                new Migration("rollup-011-quarter-users",
                        "CREATE TABLE IF NOT EXISTS rollup_quarter_users (" + split
                                + "not_found BOOLEAN NOT NULL, quarter SMALLINT NOT NULL, users BLOB NOT NULL)",
                        "CREATE TABLE IF NOT EXISTS rollup_quarter_users (" + split
                                + "not_found BOOLEAN NOT NULL, quarter SMALLINT NOT NULL, users BYTEA NOT NULL)"),
                postgresIndex("rollup-012-quarters-key-hour", "rollup_quarters"),
                postgresIndex("rollup-013-quarter-users-key-hour", "rollup_quarter_users"),
                Migration.of("rollup-014-slice-endpoints", "CREATE TABLE IF NOT EXISTS rollup_slice_endpoints (" + split
                        + "slice SMALLINT NOT NULL, slice_value VARCHAR, status SMALLINT NOT NULL, method VARCHAR NOT NULL, "
                        + "endpoint VARCHAR NOT NULL, requests BIGINT NOT NULL, time_sum FLOAT8 NOT NULL)"),
                Migration.of("rollup-015-slice-values", "CREATE TABLE IF NOT EXISTS rollup_slice_values (" + split
                        + "not_found BOOLEAN NOT NULL, slice SMALLINT NOT NULL, slice_value VARCHAR, dimension SMALLINT NOT NULL, "
                        + "value VARCHAR, requests BIGINT NOT NULL)"),
                Migration.of("rollup-016-slice-top-users", "CREATE TABLE IF NOT EXISTS rollup_slice_top_users (" + split
                        + "not_found BOOLEAN NOT NULL, slice SMALLINT NOT NULL, slice_value VARCHAR, user_key VARCHAR NOT NULL, "
                        + "requests BIGINT NOT NULL, successes BIGINT NOT NULL, last_seen TIMESTAMP NOT NULL)"),
                new Migration("rollup-017-slice-sketches",
                        "CREATE TABLE IF NOT EXISTS rollup_slice_sketches (" + split + "not_found BOOLEAN NOT NULL, "
                                + "slice SMALLINT NOT NULL, slice_value VARCHAR, "
                                + "latency BLOB NOT NULL, ips BLOB NOT NULL, user_ids BLOB NOT NULL, users BLOB NOT NULL)",
                        "CREATE TABLE IF NOT EXISTS rollup_slice_sketches (" + split + "not_found BOOLEAN NOT NULL, "
                                + "slice SMALLINT NOT NULL, slice_value VARCHAR, "
                                + "latency BYTEA NOT NULL, ips BYTEA NOT NULL, user_ids BYTEA NOT NULL, users BYTEA NOT NULL)"),
                postgresSliceIndex("rollup-018-slice-endpoints-key-slice", "rollup_slice_endpoints"),
                postgresSliceIndex("rollup-019-slice-values-key-slice", "rollup_slice_values"),
                postgresSliceIndex("rollup-020-slice-top-users-key-slice", "rollup_slice_top_users"),
                postgresSliceIndex("rollup-021-slice-sketches-key-slice", "rollup_slice_sketches"),
                postgresIndex("rollup-022-slice-endpoints-key-hour", "rollup_slice_endpoints"),
                postgresIndex("rollup-023-slice-values-key-hour", "rollup_slice_values"),
                postgresIndex("rollup-024-slice-top-users-key-hour", "rollup_slice_top_users"),
                postgresIndex("rollup-025-slice-sketches-key-hour", "rollup_slice_sketches"),
                // slices 3 to 7 (country, client, OS, device, version) came later: the finer summaries
                // start again where the hourly ones stand, and the job extends them back as it did at first
                Migration.of("rollup-026-more-slices", "UPDATE rollup_progress SET rolled_until = "
                        + "(SELECT rolled_until FROM rollup_progress WHERE id = 1) WHERE id = 2"),
                // its rows are rebuilt, slice by slice, in the tables below
                Migration.of("rollup-027-drop-slice-sketches", "DROP TABLE IF EXISTS rollup_slice_sketches"),
                Migration.of("rollup-028-slice-quarters", "CREATE TABLE IF NOT EXISTS rollup_slice_quarters (" + split
                        + "not_found BOOLEAN NOT NULL, slice SMALLINT NOT NULL, slice_value VARCHAR, quarter SMALLINT NOT NULL, "
                        + "requests BIGINT NOT NULL, successes BIGINT NOT NULL, time_sum FLOAT8 NOT NULL)"),
                postgresSliceIndex("rollup-029-slice-quarters-key-slice", "rollup_slice_quarters"),
                postgresIndex("rollup-030-slice-quarters-key-hour", "rollup_slice_quarters")));
        // a table per slice, ids named after it (a slice added later appends its own, whatever its place)
        for (String table : SLICE_SKETCH_TABLES) {
            String id = "rollup-" + table.substring("rollup_".length()).replace('_', '-');
            String columns = "not_found BOOLEAN NOT NULL, slice_value VARCHAR, latency %1$s NOT NULL, ips %1$s NOT NULL, "
                    + "user_ids %1$s NOT NULL, users %1$s NOT NULL)";
            migrations.add(new Migration(id, "CREATE TABLE IF NOT EXISTS " + table + " (" + split + columns.formatted("BLOB"),
                    "CREATE TABLE IF NOT EXISTS " + table + " (" + split + columns.formatted("BYTEA")));
            migrations.add(new Migration(id + "-key-value", null,
                    "CREATE INDEX IF NOT EXISTS " + table + "_key_value ON " + table + " (key_id, slice_value, hour)"));
            migrations.add(postgresIndex(id + "-key-hour", table));
        }
        String daySplit = split.replace("hour", "day");
        for (DayTable table : DAY_TABLES) {
            String id = "rollup-" + table.name().substring("rollup_".length()).replace('_', '-');
            migrations.add(Migration.of(id, "CREATE TABLE IF NOT EXISTS " + table.name() + " (" + daySplit + table.columns() + ")"));
            // a view reads a key's days, or a slice value's
            migrations.add(new Migration(id + "-key-day", null,
                    "CREATE INDEX IF NOT EXISTS " + table.name() + "_key_day ON " + table.name() + " (key_id, day)"));
            if (table.groups().contains("slice_value")) {
                migrations.add(new Migration(id + "-key-slice", null, "CREATE INDEX IF NOT EXISTS " + table.name() + "_key_slice ON "
                        + table.name() + " (key_id, slice, slice_value, day)"));
            }
            // the job replaces every key's completed days, reading every key's hours of them
            migrations.add(new Migration(id + "-day", null,
                    "CREATE INDEX IF NOT EXISTS " + table.name() + "_day ON " + table.name() + " (day)"));
            migrations.add(new Migration(id + "-hourly-hour", null,
                    "CREATE INDEX IF NOT EXISTS " + table.hourly() + "_hour ON " + table.hourly() + " (hour)"));
            // the days summarised before the table came; the job keeps them from here on
            migrations.add(Migration.of(id + "-fill", "INSERT INTO " + table.name() + " " + table.select("1 = 1")));
        }
        migrations.add(Migration.of("rollup-day-marks", "CREATE TABLE IF NOT EXISTS " + DAY_MARKS
                + " (key_id BIGINT NOT NULL, day TIMESTAMP NOT NULL)"));
        // the fills above hold every day summarised so far (row 3: SummaryJob.daysUntil)
        migrations.add(Migration.of("rollup-days-until", "INSERT INTO rollup_progress (id, rolled_until) "
                + "SELECT 3, date_trunc('day', rolled_until) FROM rollup_progress WHERE id = 1"));
        // each slice value's users per quarter hour, null in the hours summarised before them (row 4: SummaryJob.sliceQuarterUsersFrom)
        for (String table : SLICE_SKETCH_TABLES) {
            migrations.add(new Migration("rollup-" + table.substring("rollup_".length()).replace('_', '-') + "-quarter-users",
                    "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS quarter_users BLOB",
                    "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS quarter_users BYTEA"));
        }
        migrations.add(Migration.of("rollup-slice-quarter-users-from", "INSERT INTO rollup_progress (id, rolled_until) "
                + "SELECT 4, rolled_until FROM rollup_progress WHERE id = 1"));
        return List.copyOf(migrations);
    }

    /** A filtered view reads one slice value's hours; deletion and late hours find a key's hours through it too. */
    private static Migration postgresSliceIndex(String id, String table) {
        return new Migration(id, null, "CREATE INDEX IF NOT EXISTS " + table + "_key_slice ON " + table
                + " (key_id, slice, slice_value, hour)");
    }

    /** DuckDB prunes by the row groups' min/max hour instead; an index would only slow inserts. */
    private static Migration postgresIndex(String id, String table) {
        return new Migration(id, null, "CREATE INDEX IF NOT EXISTS " + table + "_key_hour ON " + table + " (key_id, hour)");
    }
}
