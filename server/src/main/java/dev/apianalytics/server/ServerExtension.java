package dev.apianalytics.server;

import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.storage.Migration;
import java.util.List;

/**
 * A feature of the collector (the core API, the dashboard, monitoring): its schema migrations,
 * the tables it keeps per key, its routes and jobs. Listed in {@link Routes#extensions()}.
 */
public interface ServerExtension {

    /** Schema changes this feature needs; applied once, in list order, after the server's own. */
    default List<Migration> migrations() {
        return List.of();
    }

    /**
     * Tables with a {@code key_id BIGINT} column whose rows belong to a key, deleted with the
     * key's data.
     */
    default List<String> keyOwnedTables() {
        return List.of();
    }

    /**
     * Registers routes and scheduled jobs (those run on demand too under their
     * {@link ServerContext.Job}); called once at start-up after migrations.
     */
    void install(Router router, ServerContext context);

    /** Releases what {@link #install} acquired, when the server stops. */
    default void close() {}
}
