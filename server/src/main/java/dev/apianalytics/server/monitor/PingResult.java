package dev.apianalytics.server.monitor;

/**
 * What one ping saw.
 *
 * @param status the HTTP status, or 0 when no response arrived
 * @param responseTimeMs milliseconds from sending to the response headers (or to the failure)
 * @param failure why no usable response arrived ({@code timeout}, {@code refused}, {@code dns},
 *     {@code tls}, ...) followed by details, or {@code null} when a response arrived
 */
record PingResult(int status, double responseTimeMs, String failure) {

    /** A monitored URL is up when it answered with a status below 400. */
    boolean up() {
        return failure == null && status > 0 && status < 400;
    }
}
