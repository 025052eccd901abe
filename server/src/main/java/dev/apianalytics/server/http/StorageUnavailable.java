package dev.apianalytics.server.http;

/**
 * Storage failed for a reason that is not the request's fault (the database is down, full or
 * locked): the router answers 503 with {@code Retry-After}, so a client retries later.
 */
public final class StorageUnavailable extends RuntimeException {

    public StorageUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
