package dev.apianalytics.server.storage;

import java.time.Instant;

/**
 * Which of a key's rows a read wants; every {@code null} component means "any".
 *
 * @param from inclusive lower bound on {@code created_at}
 * @param to exclusive upper bound on {@code created_at}
 * @param hostname exact hostname
 * @param ipAddress exact IP address
 * @param status exact status code
 * @param location exact two-letter country code
 * @param userId exact user id
 */
public record RequestFilter(
        Instant from, Instant to, String hostname, String ipAddress, Integer status, String location, String userId) {

    /** No filter at all. */
    public static final RequestFilter ALL = new RequestFilter(null, null, null, null, null, null, null);

    /** This filter narrowed to rows made at or after {@code earliest}. */
    public RequestFilter notBefore(Instant earliest) {
        Instant start = from == null || from.isBefore(earliest) ? earliest : from;
        return new RequestFilter(start, to, hostname, ipAddress, status, location, userId);
    }
}
