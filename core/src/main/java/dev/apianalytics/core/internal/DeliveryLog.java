package dev.apianalytics.core.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the uploader tells the application about delivery, so that "why is nothing arriving?"
 * is answered by the application's own log: the first accepted batch, a refused key, an
 * unreachable collector and its return with the records lost meanwhile, and records left
 * unsent at close. Each kind of warning has its own limiter, so one never hides another.
 * Called from the uploader's thread only. Not API.
 */
final class DeliveryLog {

    private static final System.Logger LOGGER = System.getLogger("dev.apianalytics");
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final URI endpoint;
    private final String keyStart;
    private final boolean debug;
    // records dropped or given up so far, for the count lost during an outage
    private final LongSupplier lost;

    private final RateLimitedLog unreachableLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog retryingLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog problemLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog gaveUpLog = new RateLimitedLog(MINUTE_NANOS);
    private final RateLimitedLog tooLargeLog = new RateLimitedLog(MINUTE_NANOS);

    private boolean firstAccepted;
    private boolean keyRefused;
    // what lost() was when the outage began; -1 while the collector is reachable
    private long lostBeforeOutage = -1;

    DeliveryLog(URI endpoint, String apiKey, boolean debug, LongSupplier lost) {
        this.endpoint = endpoint;
        this.keyStart = apiKey.length() <= 8 ? apiKey : apiKey.substring(0, 8);
        this.debug = debug;
        this.lost = lost;
    }

    void accepted(int records, int bytes, long nanos) {
        if (debug) {
            log(Level.INFO, "API Analytics sent " + records(records) + " (" + bytes + " bytes) to " + endpoint + " in "
                    + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
        }
        if (!firstAccepted) {
            firstAccepted = true;
            log(Level.INFO, "API Analytics collector at " + endpoint + " accepted the first batch (" + records(records) + ")");
        }
        if (lostBeforeOutage >= 0) {
            log(Level.INFO, "API Analytics collector at " + endpoint + " is reachable again; records dropped meanwhile: "
                    + (lost.getAsLong() - lostBeforeOutage));
            lostBeforeOutage = -1;
        }
        keyRefused = false;
    }

    /** A 401: logged once, until a batch is accepted again. */
    void keyRefused(int records) {
        if (!keyRefused) {
            keyRefused = true;
            log(Level.ERROR, "API Analytics collector at " + endpoint + " does not know the API key starting "
                    + keyStart + " (HTTP 401); dropped a batch of " + records(records)
                    + ", and no request is recorded until the key is right: check api-key and server-url");
        }
    }

    /** Both halves of a post refused with 413 passed: later posts keep to a half for a while. */
    void postTooLarge(int records, int limit, String message, Duration lifetime) {
        log(Level.WARNING, "API Analytics collector at " + endpoint + " refused a post of " + records(records)
                + " as too large (HTTP 413: " + message + ") and took its halves; sending at most " + records(limit)
                + " a post for the next " + lifetime.toMinutes() + " minutes (set batch-size to the collector's limit"
                + " to spare the refused posts)");
    }

    /** Records given up because the collector refused them as too large, alone or after too many refused posts. */
    void tooLargeGivenUp(int records, int batch, String message) {
        tooLargeLog.warn("API Analytics collector refused " + records(records) + " of a batch of " + batch
                + " as too large (HTTP 413: " + message + "), each alone or after too many refused posts; they are dropped",
                null);
    }

    void unreachable(IOException cause) {
        outageBegins();
        unreachableLog.warn("API Analytics collector at " + endpoint + " is unreachable (" + cause + "); retrying", null);
    }

    /** A 429 or a 5xx. */
    void retrying(int status, String message) {
        outageBegins();
        retryingLog.warn("API Analytics collector at " + endpoint + " answered HTTP " + status + " (" + message + "); retrying", null);
    }

    /** Any other 4xx, a batch that could not be encoded or posted, the uploader stopping. */
    void problem(String message, Throwable cause) {
        problemLog.warn(message, cause);
    }

    void gaveUp(int records, String after) {
        gaveUpLog.warn("API Analytics gave up on " + records(records) + " after retrying for " + after, null);
    }

    /** Always logged: the last word of an application whose collector was down at the end. */
    void unsentAtClose(long records) {
        log(Level.WARNING, "API Analytics closed with " + records(records) + " unsent");
    }

    static String records(long count) {
        return count == 1 ? "1 record" : count + " records";
    }

    private void outageBegins() {
        if (lostBeforeOutage < 0) {
            lostBeforeOutage = lost.getAsLong();
        }
    }

    private static void log(Level level, String message) {
        try {
            LOGGER.log(level, message);
        } catch (RuntimeException ignored) {
            // a broken logging backend must not stop the uploader
        }
    }
}
