package dev.apianalytics.server.storage;

import java.time.Instant;

/**
 * One row of the {@code requests} table. Optional text columns are {@code null} when unknown
 * (never an empty string).
 *
 * @param createdAt when the request arrived (stored as a UTC timestamp, microsecond precision)
 * @param hostname the Host the client asked for
 * @param ipAddress the client IP, {@code null} at privacy levels 1 and 2
 * @param path the path without its query string
 * @param route the route template, such as {@code /users/{id}}
 * @param method the HTTP method in upper case
 * @param status the response status
 * @param responseTimeMs milliseconds, with a fraction
 * @param userAgent the raw User-Agent
 * @param client the browser or client library name parsed from the user agent
 * @param os the operating system parsed from the user agent
 * @param device the device class parsed from the user agent
 * @param bot whether the user agent is a robot, crawler or script
 * @param location the two-letter country code inferred from the IP
 * @param userId the user id the middleware mapped
 * @param framework the framework name the middleware reported
 * @param referrer the Referer header, when the middleware sends it
 */
public record StoredRequest(
        Instant createdAt,
        String hostname,
        String ipAddress,
        String path,
        String route,
        String method,
        int status,
        double responseTimeMs,
        String userAgent,
        String client,
        String os,
        String device,
        boolean bot,
        String location,
        String userId,
        String framework,
        String referrer) {}
