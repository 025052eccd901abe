package dev.apianalytics.server.ingest;

import java.net.InetAddress;
import java.time.Instant;

/** One validated row before enrichment; text fields are trimmed, capped, and {@code null} when empty. */
record IncomingRow(
        Instant createdAt,
        String hostname,
        String ipText,
        InetAddress ip,
        String path,
        String route,
        String method,
        int status,
        double responseTimeMs,
        String userAgent,
        String userId,
        String referrer) {

    /** A row's objects beside its text: the row, its instant, strings' headers, and the enriched copy made of it. */
    static final int OBJECTS_BYTES = 1024;

    /** About what the row and its enriched copy hold on the heap, text at two bytes a character. */
    long approximateBytes() {
        return OBJECTS_BYTES + 2L * (length(hostname) + length(ipText) + length(path) + length(route) + length(method)
                + length(userAgent) + length(userId) + length(referrer));
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
