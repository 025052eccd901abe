package dev.apianalytics.core.internal;

/**
 * One recorded request: immutable, built on the request thread, serialised on the uploader's.
 * Not API: what an application sees is its collector's data, not this record.
 *
 * @param hostname the host the client asked for, or an empty string
 * @param ipAddress the client address, or {@code null} (always {@code null} at privacy level 2)
 * @param path the path without its query string
 * @param route the route template that matched, such as {@code /users/{id}}, or {@code null}
 * @param userAgent the raw {@code User-Agent} value, or an empty string
 * @param method the HTTP method in upper case
 * @param status the response status code
 * @param responseTimeMicros microseconds from the request's arrival to its completion
 * @param userId the user id from the configured mapper, or {@code null}
 * @param createdAtEpochMillis when the request arrived, in milliseconds since the epoch (UTC)
 */
public record RequestRecord(
        String hostname,
        String ipAddress,
        String path,
        String route,
        String userAgent,
        String method,
        int status,
        long responseTimeMicros,
        String userId,
        long createdAtEpochMillis) {}
