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

    /** This filter with its time range narrowed to {@code [from, to)} as well; a null bound narrows nothing. */
    public RequestFilter within(Instant from, Instant to) {
        Instant later = from == null || (this.from != null && this.from.isAfter(from)) ? this.from : from;
        Instant earlier = to == null || (this.to != null && this.to.isBefore(to)) ? this.to : to;
        return new RequestFilter(later, earlier, hostname, ipAddress, status, location, userId);
    }
}
