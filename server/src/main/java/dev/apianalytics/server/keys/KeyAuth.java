package dev.apianalytics.server.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.storage.Storage;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Turns a presented key into its numeric id. Lookups are cached briefly (by hash, never by the
 * secret) so ingestion does not query the key table per post; the short lifetime bounds how long
 * another collector sharing PostgreSQL may accept a key after it was deleted. Activity is
 * recorded at most once per {@link #ACTIVITY_RESOLUTION} per key. Both memories are bounded in
 * size and time, so neither keys that posted once nor random keys that never existed stay on
 * the heap: forgetting an entry early costs one query or one write, never a wrong answer.
 */
public final class KeyAuth {

    /** The header the data API reads; {@code API-Key} is the older upstream spelling. */
    public static final String HEADER = "X-AUTH-TOKEN";

    static final Duration CACHE_LIFETIME = Duration.ofSeconds(30);
    static final Duration ACTIVITY_RESOLUTION = Duration.ofHours(1);
    /** Hashes (unknown ones too) held at most: some 250 bytes each, about 12 MB at worst. */
    static final int CACHE_LIMIT = 50_000;
    /** Keys whose last activity write is remembered at most: about 100 bytes each. */
    static final int ACTIVITY_LIMIT = 100_000;

    private final Storage storage;
    private final Clock clock;
    private final Cache<String, OptionalLong> byHash;
    private final Cache<Long, Instant> lastMarked;
    private final DashboardIds dashboardIds;

    public KeyAuth(Storage storage, Clock clock) {
        this(storage, clock, CACHE_LIMIT, ACTIVITY_LIMIT);
    }

    KeyAuth(Storage storage, Clock clock, int cacheLimit, int activityLimit) {
        this.storage = storage;
        this.clock = clock;
        this.dashboardIds = new DashboardIds(storage);
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.byHash = Caffeine.newBuilder().maximumSize(cacheLimit).expireAfterWrite(CACHE_LIFETIME).ticker(ticker).build();
        this.lastMarked = Caffeine.newBuilder().maximumSize(activityLimit).expireAfterWrite(ACTIVITY_RESOLUTION)
                .ticker(ticker).build();
    }

    /**
     * The key id from {@code X-AUTH-TOKEN} (or {@code API-Key}), recording activity; 401 when the
     * header is missing or the key is unknown, 403 for a read-only dashboard id.
     */
    public long authenticate(Exchange exchange) {
        return authenticate(presented(exchange));
    }

    /** The id of a presented key, recording activity; 401 when unknown or malformed, 403 for a dashboard id. */
    public long authenticate(String presented) {
        if (DashboardIds.looksLike(presented)) {
            throw new ApiException(403, "a dashboard id only reads: this endpoint needs the API key in " + HEADER);
        }
        long id = find(presented).orElseThrow(() -> ApiException.unauthorized("unknown API key"));
        markActive(id);
        return id;
    }

    /**
     * For endpoints that only read what a dashboard shows: the key id from an API key or from a
     * live read-only dashboard id in {@code X-AUTH-TOKEN}. Dashboard ids are looked up in the
     * database every time, never cached, so one regenerated or turned off fails at once here and
     * on every other collector sharing the database.
     */
    public long authenticateReader(Exchange exchange) {
        String presented = presented(exchange);
        if (!DashboardIds.looksLike(presented)) {
            return authenticate(presented);
        }
        OptionalLong id;
        try {
            id = dashboardIds.find(presented);
        } catch (SQLException e) {
            throw new StorageUnavailable("dashboard id lookup failed: " + e.getMessage(), e);
        }
        long keyId = id.orElseThrow(() -> ApiException.unauthorized("unknown dashboard id: it may have been regenerated or "
                + "turned off; ask the key holder for the current link"));
        markActive(keyId);
        return keyId;
    }

    DashboardIds dashboardIds() {
        return dashboardIds;
    }

    /** The presented key or id; 401 when there is none. */
    static String presented(Exchange exchange) {
        String presented = exchange.header(HEADER);
        if (presented == null || presented.isBlank()) {
            presented = exchange.header("API-Key");
        }
        if (presented == null || presented.isBlank()) {
            throw ApiException.unauthorized("missing API key: send it in the " + HEADER + " header");
        }
        return presented;
    }

    /** The id of a presented key, if this server issued it. */
    public OptionalLong find(String presented) {
        String canonical = ApiKeys.canonical(presented);
        if (canonical == null) {
            return OptionalLong.empty();
        }
        String hash = ApiKeys.hash(canonical);
        OptionalLong cached = byHash.getIfPresent(hash);
        if (cached != null) {
            return cached;
        }
        OptionalLong id;
        try {
            id = storage.findKey(hash);
        } catch (SQLException e) {
            throw new StorageUnavailable("key lookup failed: " + e.getMessage(), e);
        }
        byHash.put(hash, id);
        return id;
    }

    /** Issues a new key and returns its secret, which is shown once and never stored. */
    public String issue() {
        String key = ApiKeys.newKey();
        try {
            storage.createKey(ApiKeys.hash(key), clock.instant());
        } catch (SQLException e) {
            throw new StorageUnavailable("key creation failed: " + e.getMessage(), e);
        }
        return key;
    }

    /** Records activity on a key, writing at most once per hour per key. */
    public void markActive(long keyId) {
        Instant now = clock.instant();
        Instant last = lastMarked.getIfPresent(keyId);
        if (last != null && Duration.between(last, now).compareTo(ACTIVITY_RESOLUTION) < 0) {
            return;
        }
        try {
            storage.markActive(keyId, now);
            lastMarked.put(keyId, now);
        } catch (SQLException e) {
            throw new StorageUnavailable("recording key activity failed: " + e.getMessage(), e);
        }
    }

    /** Forgets cached state for a key that was just deleted. */
    public void forget(long keyId) {
        byHash.asMap().values().removeIf(id -> id.isPresent() && id.getAsLong() == keyId);
        lastMarked.invalidate(keyId);
    }

    /** How many hashes and activity marks are held now, after dropping expired ones. */
    long heldEntries() {
        byHash.cleanUp();
        lastMarked.cleanUp();
        return byHash.estimatedSize() + lastMarked.estimatedSize();
    }
}
