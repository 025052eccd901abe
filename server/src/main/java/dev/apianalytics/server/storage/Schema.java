package dev.apianalytics.server.storage;

import java.util.List;

/**
 * The collector's own tables. Timestamps are {@code TIMESTAMP} (without zone) holding UTC on
 * both databases. Types are spelt so that both dialects accept them ({@code FLOAT8} is a double
 * on both).
 */
public final class Schema {

    /**
     * Who made a request: the user id where the middleware mapped one, otherwise the IP address.
     * The dashboard's user filter and the user indexes of closed partitions spell it alike, so
     * that PostgreSQL matches the one to the other.
     */
    public static final String USER_KEY = "coalesce(user_id, ip_address)";

    /**
     * The rows whose path differs from their route: only these can be hidden by their path alone
     * (a path equal to its route matches a pattern exactly when the route does). The check for
     * them and the path indexes of closed partitions spell it alike, so that PostgreSQL reads
     * those indexes for it.
     */
    public static final String PATH_NOT_ROUTE = "route IS NOT NULL AND path <> route";

    /** Column order of {@code requests}; the DuckDB appender and PostgreSQL COPY rely on it. */
    static final String REQUEST_COLUMNS = "key_id, created_at, hostname, ip_address, path, route, method, status, "
            + "response_time, user_agent, client, os, device, bot, location, user_id, framework, referrer";

    /** The columns of {@code requests}, as created by {@code server-003} and again, partitioned, by {@code server-011}. */
    private static final String REQUEST_TABLE = """
            (
              key_id BIGINT NOT NULL,
              created_at TIMESTAMP NOT NULL,
              hostname VARCHAR,
              ip_address VARCHAR,
              path VARCHAR NOT NULL,
              route VARCHAR,
              method VARCHAR NOT NULL,
              status SMALLINT NOT NULL,
              response_time FLOAT8 NOT NULL,
              user_agent VARCHAR,
              client VARCHAR,
              os VARCHAR,
              device VARCHAR,
              bot BOOLEAN NOT NULL,
              location VARCHAR,
              user_id VARCHAR,
              framework VARCHAR,
              referrer VARCHAR
            )""";

    /** The bound of the partition an existing table becomes: the week after its newest row, and after now + 2 days. */
    private static final String LEGACY_BOUND = "SELECT date_trunc('week', greatest(max(created_at), "
            + "(now() AT TIME ZONE 'UTC') + interval '2 days')) + interval '1 week' INTO bound FROM requests;";

    /**
     * Hours (UTC, truncated) that received rows later after the rows were made than the lateness
     * the storage was opened with, written in the rows' transaction: summaries of those hours are redone.
     */
    public static final String LATE_HOURS = "late_hours";

    /** Batch ids posted with an {@code Idempotency-Key}; rows belong to a key. */
    public static final String INGEST_BATCHES = "ingest_batches";

    private Schema() {}

    public static List<Migration> migrations() {
        return List.of(
                Migration.of("server-001-api-key-ids", "CREATE SEQUENCE IF NOT EXISTS api_key_ids START 1"),
                Migration.of("server-002-api-keys", """
                        CREATE TABLE IF NOT EXISTS api_keys (
                          key_id BIGINT PRIMARY KEY,
                          key_hash VARCHAR NOT NULL UNIQUE,
                          created_at TIMESTAMP NOT NULL,
                          last_active_at TIMESTAMP NOT NULL
                        )"""),
                Migration.of("server-003-requests", "CREATE TABLE IF NOT EXISTS requests " + REQUEST_TABLE),
                // DuckDB prunes row groups by their min/max (zone maps), and rows arrive roughly in
                // time order; an ART index would only slow appends. PostgreSQL needs the B-tree.
                new Migration("server-004-requests-key-time", null,
                        "CREATE INDEX IF NOT EXISTS requests_key_time ON requests (key_id, created_at)"),
                Migration.of("server-005-api-keys-activity",
                        "CREATE INDEX IF NOT EXISTS api_keys_last_active ON api_keys (last_active_at)"),
                // the ids of batches posted with an Idempotency-Key, kept for a day so that a retry
                // whose first answer was lost is recognised; written in the rows' transaction
                Migration.of("server-006-ingest-batches", """
                        CREATE TABLE IF NOT EXISTS ingest_batches (
                          key_id BIGINT NOT NULL,
                          batch_id VARCHAR NOT NULL,
                          accepted INTEGER NOT NULL,
                          rejected INTEGER NOT NULL,
                          created_at TIMESTAMP NOT NULL,
                          PRIMARY KEY (key_id, batch_id)
                        )"""),
                new Migration("server-007-ingest-batches-time", null,
                        "CREATE INDEX IF NOT EXISTS ingest_batches_created ON ingest_batches (created_at)"),
                Migration.of("server-008-late-hours", """
                        CREATE TABLE IF NOT EXISTS late_hours (
                          key_id BIGINT NOT NULL,
                          hour TIMESTAMP NOT NULL
                        )"""),
                // requests partitioned by week (see RequestPartitions): the existing table becomes the
                // partition of everything before a bound, a CHECK first added while rows still flow in
                new Migration("server-009-requests-bound", null, """
                        DO $$
                        DECLARE bound TIMESTAMP;
                        BEGIN
                          IF (SELECT relkind FROM pg_class WHERE oid = 'requests'::regclass) = 'p'
                              OR NOT EXISTS (SELECT 1 FROM requests) THEN
                            RETURN;
                          END IF;
                          """ + LEGACY_BOUND + """
                          EXECUTE format('ALTER TABLE requests ADD CONSTRAINT requests_before_bound '
                              || 'CHECK (created_at < %L) NOT VALID', bound);
                        END $$"""),
                // the long scan, under a lock that lets inserts and reads go on (SHARE UPDATE EXCLUSIVE)
                new Migration("server-010-requests-bound-validated", null, """
                        DO $$
                        BEGIN
                          IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'requests_before_bound'
                              AND conrelid = 'requests'::regclass AND NOT convalidated) THEN
                            ALTER TABLE requests VALIDATE CONSTRAINT requests_before_bound;
                          END IF;
                        END $$"""),
                // the switch, under a short exclusive lock: the checked bound spares ATTACH its scan,
                // the rows stay where they are (no copy), an empty table is simply replaced
                new Migration("server-011-requests-partitioned", null, """
                        DO $$
                        DECLARE
                          bound TIMESTAMP;
                          legacy TEXT;
                        BEGIN
                          IF (SELECT relkind FROM pg_class WHERE oid = 'requests'::regclass) = 'p' THEN
                            RETURN;
                          END IF;
                          LOCK TABLE requests IN ACCESS EXCLUSIVE MODE;
                          IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'requests_before_bound'
                              AND conrelid = 'requests'::regclass) THEN
                            SELECT substring(pg_get_constraintdef(oid) FROM '''([^'']+)''')::timestamp INTO bound
                                FROM pg_constraint WHERE conname = 'requests_before_bound' AND conrelid = 'requests'::regclass;
                          ELSIF EXISTS (SELECT 1 FROM requests) THEN
                            -- rows came in after server-009 looked (from a collector of the previous version)
                            """ + LEGACY_BOUND + """
                            EXECUTE format('ALTER TABLE requests ADD CONSTRAINT requests_before_bound '
                                || 'CHECK (created_at < %L)', bound);
                          ELSE
                            DROP TABLE requests;
                          END IF;
                          IF bound IS NOT NULL THEN
                            legacy := 'requests_before_' || to_char(bound, 'YYYYMMDD');
                            EXECUTE format('ALTER TABLE requests RENAME TO %I', legacy);
                            EXECUTE format('ALTER INDEX IF EXISTS requests_key_time RENAME TO %I', legacy || '_key_time');
                          END IF;
                          CREATE TABLE requests """ + REQUEST_TABLE + """
                           PARTITION BY RANGE (created_at);
                          CREATE INDEX requests_key_time ON requests (key_id, created_at);
                          CREATE TABLE requests_default PARTITION OF requests DEFAULT;
                          IF bound IS NOT NULL THEN
                            EXECUTE format('ALTER TABLE requests ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)',
                                legacy, bound);
                            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT requests_before_bound', legacy);
                          END IF;
                        END $$"""));
    }
}
