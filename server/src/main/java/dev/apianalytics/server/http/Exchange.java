package dev.apianalytics.server.http;

import com.google.gson.stream.JsonWriter;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * One request and its response: typed access to the parts handlers need (query parameters in
 * any of their spellings, headers, path parameters, a size-capped body) and helpers that write
 * JSON. Every response carries a JSON or explicit content type.
 */
public final class Exchange {

    private final HttpExchange http;
    private final Map<String, String> pathParameters;
    private Map<String, List<String>> query;
    private boolean responded;
    private int status;

    Exchange(HttpExchange http, Map<String, String> pathParameters) {
        this.http = http;
        this.pathParameters = pathParameters;
    }

    /** The underlying JDK exchange, for what this class does not cover. */
    public HttpExchange raw() {
        return http;
    }

    public String method() {
        return http.getRequestMethod().toUpperCase(Locale.ROOT);
    }

    /** The decoded request path, without the query string. */
    public String path() {
        return http.getRequestURI().getPath();
    }

    /** A path parameter declared as {@code {name}} in the route. */
    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** The first request header with that name (case-insensitive), or {@code null}. */
    public String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /** All query parameters, decoded, in order of appearance. */
    public Map<String, List<String>> queryParameters() {
        if (query == null) {
            query = parseQuery(http.getRequestURI().getRawQuery());
        }
        return query;
    }

    /**
     * The value of the first of {@code spellings} present in the query string ({@code "ip"},
     * {@code "ipAddress"}), or {@code null}. An empty value counts as absent.
     */
    public String queryParameter(String... spellings) {
        for (String name : spellings) {
            List<String> values = queryParameters().get(name);
            if (values != null && !values.isEmpty() && !values.get(0).isEmpty()) {
                return values.get(0);
            }
        }
        return null;
    }

    /** The raw query string as sent, or {@code null}. */
    public String rawQuery() {
        return http.getRequestURI().getRawQuery();
    }

    /** The address of the peer that connected (a proxy's when behind one). */
    public String remoteAddress() {
        var address = http.getRemoteAddress();
        return address == null || address.getAddress() == null ? "" : address.getAddress().getHostAddress();
    }

    /** Every value of a request header, one per header line, in order (empty when absent). */
    public List<String> headers(String name) { return http.getRequestHeaders().getOrDefault(name, List.of()); }

    public void setHeader(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    /** The body, read whole up to {@code maxBytes} on the wire and decoded lazily: see {@link RequestBody}. */
    public RequestBody body(long maxBytes, long maxDecompressedBytes, LongConsumer reserve) throws IOException {
        return RequestBody.read(http.getRequestBody(), header("Content-Length"), header("Content-Encoding"), maxBytes,
                maxDecompressedBytes, reserve);
    }

    /** The whole decoded body, for endpoints whose bodies are small: see {@link RequestBody}. */
    public byte[] readBody(long maxBytes, long maxDecompressedBytes) throws IOException {
        return body(maxBytes, maxDecompressedBytes, bytes -> {}).bytes();
    }

    /** Sends {@code body} serialised with {@link Json#GSON}. */
    public void sendJson(int status, Object body) throws IOException {
        send(status, "application/json; charset=utf-8", Json.GSON.toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the JSON error body every error answer uses. */
    public void sendError(int status, String message) throws IOException {
        var body = new LinkedHashMap<String, Object>();
        body.put("status", status);
        body.put("message", message);
        sendJson(status, body);
    }

    public void send(int status, String contentType, byte[] body) throws IOException {
        markResponded();
        this.status = status;
        setHeader("Content-Type", contentType);
        boolean head = method().equals("HEAD");
        if (status == 204 || status == 304) {
            http.sendResponseHeaders(status, -1);
        } else if (head) {
            http.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            http.sendResponseHeaders(status, -1);
        } else {
            http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = http.getResponseBody()) {
                    out.write(body);
                }
            }
        }
        http.close();
    }

    /** What {@link #stream} hands the handler: write the body to {@code out} (do not close it). */
    @FunctionalInterface
    public interface StreamBody {
        void write(OutputStream out) throws IOException;
    }

    /** What {@link #streamJson} hands the handler: write one JSON document. */
    @FunctionalInterface
    public interface JsonBody {
        void write(JsonWriter json) throws IOException;
    }

    /**
     * Streams a large body of any type without building it in memory (chunked), gzipped when
     * the client accepts gzip. Set headers before calling. Once this starts the status is sent:
     * a failure midway can only cut the body short.
     */
    public void stream(int status, String contentType, StreamBody body) throws IOException {
        markResponded();
        this.status = status;
        setHeader("Content-Type", contentType);
        String accept = header("Accept-Encoding");
        boolean gzip = accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip");
        if (gzip) {
            setHeader("Content-Encoding", "gzip");
            setHeader("Vary", "Accept-Encoding");
        }
        if (method().equals("HEAD")) {
            http.sendResponseHeaders(status, -1);
            http.close();
            return;
        }
        http.sendResponseHeaders(status, 0);
        try {
            OutputStream raw = new BufferedOutputStream(http.getResponseBody(), 64 * 1024);
            OutputStream out = gzip ? new FastGzip(raw) : raw;
            body.write(out);
            out.close();
        } finally {
            http.close();
        }
    }

    /** Streams a JSON document written with gson's {@link JsonWriter}; see {@link #stream}. */
    public void streamJson(int status, JsonBody body) throws IOException {
        stream(status, "application/json; charset=utf-8", out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            JsonWriter json = new JsonWriter(writer);
            json.setSerializeNulls(true);
            json.setHtmlSafe(false);
            body.write(json);
            json.flush();
        });
    }

    /** Gzip at the fastest level: large JSON still shrinks about tenfold, at a third of the CPU. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }

    /** The status sent, or 0 before the response starts. */
    public int status() {
        return status;
    }

    boolean responded() {
        return responded;
    }

    private void markResponded() {
        if (responded) {
            throw new IllegalStateException("a response was already sent");
        }
        responded = true;
    }

    static Map<String, List<String>> parseQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        var parameters = new LinkedHashMap<String, List<String>>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        parameters.replaceAll((name, values) -> Collections.unmodifiableList(values));
        return Collections.unmodifiableMap(parameters);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the query string is not valid URL encoding");
        }
    }
}
