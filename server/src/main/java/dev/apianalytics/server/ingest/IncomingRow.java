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
        String referrer) {}
