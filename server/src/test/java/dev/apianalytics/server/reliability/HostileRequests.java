package dev.apianalytics.server.reliability;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Requests to the read, delete, dashboard and monitoring endpoints with hostile query strings
 * (every parameter name the server reads, in each spelling, with broken, huge, negative and
 * injected values, percent-escapes that decode to nothing valid, raw non-ASCII bytes) and
 * hostile authentication headers.
 */
final class HostileRequests {

    /** One request: its method, the raw request target and the headers. */
    record Probe(String method, byte[] target, List<String> headers, byte[] body) {
        String path() {
            String text = new String(target, StandardCharsets.ISO_8859_1);
            int query = text.indexOf('?');
            return query < 0 ? text : text.substring(0, query);
        }

        @Override
        public String toString() {
            String text = new String(target, StandardCharsets.ISO_8859_1);
            return method + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text) + " " + headers;
        }
    }

    private static final List<String> PARAMETERS = List.of("page", "date", "dateFrom", "date_from", "dateTo", "date_to",
            "hostname", "ipAddress", "ip", "ip_address", "status", "location", "user_id", "userId", "userID", "compact",
            "period", "tz", "endpoint", "method", "country", "client", "os", "device", "hour", "weekday", "version", "user",
            "exclude404", "excludeBots", "hidden", "hide", "api_key", "X-AUTH-TOKEN");

    private final String key;

    HostileRequests(String key) {
        this.key = key;
    }

    Arbitrary<Probe> all() {
        Arbitrary<String> endpoint = Arbitraries.of("GET /api/data", "GET /api/data", "GET /api/data", "DELETE /api/data",
                "GET /api/dashboard", "GET /api/dashboard", "GET /api/dashboard/export.csv", "GET /api/monitors",
                "POST /api/monitors", "DELETE /api/monitors/{id}", "GET /api/generate-api-key", "GET /api/health",
                "HEAD /api/data", "OPTIONS /api/data", "PUT /api/data", "PATCH /api/dashboard", "GET /api/../api/data",
                "GET /api/data/", "GET //api//data", "POST /api/data", "GET /nowhere/%2e%2e/%2e%2e/etc/passwd");
        return Combinators.combine(endpoint, query(), authHeaders(), otherHeaders(), monitorId(), monitorBody())
                .as((line, query, auth, other, id, body) -> {
                    String method = line.substring(0, line.indexOf(' '));
                    String path = line.substring(line.indexOf(' ') + 1).replace("{id}", id);
                    var target = new ByteArrayOutputStream();
                    target.writeBytes(path.getBytes(StandardCharsets.ISO_8859_1));
                    if (query.length > 0) {
                        target.write('?');
                        target.writeBytes(query);
                    }
                    List<String> headers = new ArrayList<>(auth);
                    headers.addAll(other);
                    return new Probe(method, target.toByteArray(), headers, method.equals("POST") ? body : null);
                });
    }

    /** A query string of up to eight parameters, each value encoded properly, raw, or broken. */
    private Arbitrary<byte[]> query() {
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(PARAMETERS), Arbitraries.strings().ofMaxLength(12));
        Arbitrary<byte[]> pair = Combinators.combine(name, value(), Arbitraries.of("encoded", "raw", "no value", "broken"))
                .as((n, v, style) -> switch (style) {
                    case "encoded" -> (encode(n) + "=" + encode(v)).getBytes(StandardCharsets.US_ASCII);
                    case "raw" -> concat(safeRaw(n), "=".getBytes(StandardCharsets.US_ASCII), safeRaw(v));
                    case "no value" -> encode(n).getBytes(StandardCharsets.US_ASCII);
                    default -> (encode(n) + "=" + v.replace("%", "").replace(' ', '+') + "%"
                            + "ZZ%C3%28%ED%A0%80%00%G".substring(0, Math.min(21, v.length() + 1)))
                            .getBytes(StandardCharsets.UTF_8);
                });
        return pair.list().ofMaxSize(8).map(pairs -> {
            var out = new ByteArrayOutputStream();
            for (int i = 0; i < pairs.size(); i++) {
                if (i > 0) {
                    out.write('&');
                }
                out.writeBytes(pairs.get(i));
            }
            return out.toByteArray();
        });
    }

    private static Arbitrary<String> value() {
        return Arbitraries.oneOf(
                Arbitraries.of("1", "0", "-1", "2147483648", "99999999999999999999", "1e3", "0x10", "NaN", "Infinity", " 2 ",
                        "2026-11-26", "2026-02-30", "2026-13-01", "0000-00-00", "+999999999-12-31", "-999999999-01-01", "+300000-01-01",
                        "9999-12-31", "2026-11-26T00:00:00Z", "26/11/2026", "true", "false", "yes", "TRUE", "2xx", "4XX",
                        "6xx", "200", "1000", "99", "US", "us", "U", "USA", "12", "ÉÉ", "24h", "7d", "1y", "all", "forever",
                        "Europe/Paris", "UTC", "+05:30", "Mars/Olympus", "America/../../etc", "GMT+99", "25", "-1", "8",
                        "v2", "v99999999", "/users/{id}", "/api/*", "*", "**", "%", "_", "\\", "'", "\"", "' OR '1'='1",
                        "1; DROP TABLE requests; --", "1) UNION SELECT key_hash FROM api_keys --",
                        "<script>alert(1)</script>", "${jndi:ldap://x}", "\u0000", "\uD800", "日本", "\uD83D\uDE00",
                        "a".repeat(5_000), "203.0.113.7", "::1", "api.example.com", "GET", "get", "BREW", "desktop", "bot",
                        "Chrome", "Windows"),
                Arbitraries.strings().all().ofMaxLength(40));
    }

    /** Authentication as a client could garble it; never a key whose data other tests count. */
    private Arbitrary<List<String>> authHeaders() {
        Arbitrary<String> token = Arbitraries.of(key, key, key.toUpperCase(java.util.Locale.ROOT), " " + key + " ",
                UUID.randomUUID().toString(), key.replace("-", ""), key + key, key.substring(1), "{" + key + "}", "", " ",
                "null", "' OR 1=1 --", "x".repeat(6_000), "\u00e9\u00ff\u0080", "Bearer " + key, key + ", " + key);
        return Combinators.combine(Arbitraries.of("X-AUTH-TOKEN", "API-Key", "x-auth-token", "Authorization", "none", "both"), token)
                .as((header, value) -> switch (header) {
                    case "none" -> List.<String>of();
                    case "both" -> List.of("X-AUTH-TOKEN", value, "API-Key", key);
                    default -> List.of(header, value);
                });
    }

    private static Arbitrary<List<String>> otherHeaders() {
        return Arbitraries.of(List.of(), List.of("Accept-Encoding", "gzip"), List.of("Accept-Encoding", "br;q=1, *;q=0"),
                List.of("Host", "evil.example\u00ff"), List.of("X-Forwarded-Proto", "javascript"),
                List.of("Accept", "text/html"), List.of("Content-Encoding", "gzip"), List.of("Range", "bytes=0-1"),
                List.of("If-None-Match", "*"), List.of("Origin", "https://attacker.example"));
    }

    private static Arbitrary<String> monitorId() {
        return Arbitraries.of("1", "0", "-1", "9223372036854775807", "9223372036854775808", "abc", "1%20OR%201=1", "%00",
                "1e3", "%C3%28", "..", "1;DROP");
    }

    private static Arbitrary<byte[]> monitorBody() {
        return Arbitraries.of("", "{}", "[]", "null", "{\"url\":1}", "{\"url\":\"javascript:alert(1)\"}",
                        "{\"url\":\"file:///etc/passwd\"}", "{\"url\":\"http://\",\"method\":\"DELETE\"}",
                        "{\"url\":\"http://127.0.0.1:9/x\",\"intervalSeconds\":-5}",
                        "{\"url\":\"http://127.0.0.1:9/x\",\"timeoutSeconds\":1e308}",
                        "{\"url\":\"http://127.0.0.1:9/" + "a".repeat(10_000) + "\"}", "{\"url\":\"\uD800\"}", "{" .repeat(10_000))
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Raw bytes in the request target, minus what would break the request line itself. */
    private static byte[] safeRaw(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        var out = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b != ' ' && b != '\r' && b != '\n' && b != '&' && b != '#' && b != '\t' && b != 0) {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
