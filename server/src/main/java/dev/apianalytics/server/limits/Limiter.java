package dev.apianalytics.server.limits;

import dev.apianalytics.server.storage.Dialect;
import dev.apianalytics.server.storage.Storage;
import java.time.Clock;

/**
 * Holds a {@link Rate} per subject (a key, a client address). On PostgreSQL the state lives in
 * the database, so N collectors sharing it enforce one limit, not N; on DuckDB (one process by
 * design) it lives in a bounded map.
 */
public interface Limiter {

    /** 0 when an event of {@code subject} is allowed now (and counted), else whole seconds to wait. */
    long acquire(String subject);

    /**
     * The limiter for {@code storage}; {@code name} separates one limit's subjects from another's
     * in the shared table.
     */
    static Limiter create(Storage storage, String name, Rate rate, Clock clock) {
        return storage.dialect() == Dialect.POSTGRESQL
                ? new DatabaseLimiter(storage, name, rate, clock)
                : new MemoryLimiter(rate, clock, MemoryLimiter.MAX_SUBJECTS);
    }
}
