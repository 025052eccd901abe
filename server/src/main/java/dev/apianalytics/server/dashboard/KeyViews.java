package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.http.ApiException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@link #PER_KEY} dashboard views and CSV exports of one key running at once in this
 * collector. Each holds a database connection while it runs, and a slow one (hidden endpoints
 * over 10 million rows) takes seconds, so without a bound the holders of one key or of its
 * shared read-only link could keep most of the pool, and ingestion waiting, by asking for many
 * at once. One past the bound answers 429 at once, with {@code Retry-After}, rather than wait
 * holding a worker thread; the page asks again.
 */
final class KeyViews {

    /** A page asks for one view at a time; a few more for tabs, exports and quick clicks. */
    static final int PER_KEY = 4;

    private final Map<Long, Integer> running = new ConcurrentHashMap<>();

    /** A view's place, given back when it closes. */
    interface Place extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a place for a view of the key, or answers 429 when the key has {@link #PER_KEY} running. */
    Place enter(long keyId) {
        boolean[] taken = {false};
        running.compute(keyId, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= PER_KEY) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            throw new ApiException(429, "at most " + PER_KEY + " dashboard views of a key run at once; try again in a second",
                    Map.of("Retry-After", "1"));
        }
        return () -> running.computeIfPresent(keyId, (key, count) -> count == 1 ? null : count - 1);
    }

    /** The keys with a view running, for tests: the map keeps no key longer. */
    int keysRunning() {
        return running.size();
    }
}
