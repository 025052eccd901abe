package dev.apianalytics.server.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;

/**
 * Headers on every answer, errors included: the browser security headers (pages run only the
 * collector's own scripts and styles, cannot be framed, leak no referrer, are never sniffed into
 * another type) and, on {@code /api/}, CORS, so a page elsewhere can read the data API with a key.
 */
final class ResponseHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private ResponseHeaders() {}

    static void apply(Request request, HttpFields.Mutable headers) {
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        if (request != null && Request.getPathInContext(request).startsWith("/api/")) {
            headers.put("Access-Control-Allow-Origin", "*");
            headers.put("Access-Control-Expose-Headers", "X-Total-Count, Link, Retry-After");
        }
    }
}
