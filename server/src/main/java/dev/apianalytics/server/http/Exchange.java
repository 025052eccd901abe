package dev.apianalytics.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One request and its response: typed access to the parts handlers need (query parameters in
 * any of their spellings, headers, path parameters, a size-capped body) and helpers that write
 * JSON. Every response carries a JSON or explicit content type.
 */
public final class Exchange {

    private final Request request;
    private final Response response;
    private final BodyPace pace;
    private final Map<String, String> pathParameters;
    private Map<String, List<String>> query;
    private InputStream body;
    private boolean responded;
    private int status;

    Exchange(Request request, Response response, BodyPace pace, Map<String, String> pathParameters) {
        this.request = request;
        this.response = response;
        this.pace = pace;
        this.pathParameters = pathParameters;
    }

    public String method() {
        return request.getMethod().toUpperCase(Locale.ROOT);
    }

    /** The decoded request path, without the query string. */
    public String path() {
        return Request.getPathInContext(request);
    }

    /** A path parameter declared as {@code {name}} in the route. */
    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** The first request header with that name (case-insensitive), or {@code null}. */
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /** All query parameters, decoded, in order of appearance. */
    public Map<String, List<String>> queryParameters() {
        if (query == null) {
            query = parseQuery(rawQuery());
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
        return request.getHttpURI().getQuery();
    }

    /** The address of the peer that connected (a proxy's when behind one). */
    public String remoteAddress() {
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof java.net.InetSocketAddress socket
                && socket.getAddress() != null ? socket.getAddress().getHostAddress() : "";
    }

    /** Every value of a request header, one per header line, in order (empty when absent). */
    public List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /**
     * The request body as it arrives on the wire, undecoded; reads fail with a 408 answer when
     * the client sends it slower than the collector's minimum body rate.
     */
    public InputStream requestBody() {
        if (body == null) {
            body = pace.watch(request);
        }
        return body;
    }

    /** The body, read whole up to {@code maxBytes} on the wire and decoded lazily: see {@link RequestBody}. */
    public RequestBody body(long maxBytes, long maxDecompressedBytes, LongConsumer reserve) throws IOException {
        return RequestBody.read(requestBody(), header("Content-Length"), header("Content-Encoding"), maxBytes,
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
        response.setStatus(status);
        boolean empty = status == 204 || status == 304;
        if (!empty) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        }
        // Jetty sends no body for HEAD by itself, keeping the Content-Length of the GET
        write(empty ? new byte[0] : body);
    }

    private void write(byte[] body) throws IOException {
        try (Blocker.Callback done = Blocker.callback()) {
            response.write(true, ByteBuffer.wrap(body), done);
            done.block();
        }
    }

    /** What {@link #stream} hands the handler: write the body to {@code out} (do not close it). */
    @FunctionalInterface
    public interface StreamBody {
        void write(OutputStream out) throws IOException;
    }

    /** What {@link #streamJson} hands the handler: write one JSON document. */
    @FunctionalInterface
    public interface JsonBody {
        void write(JsonGenerator json) throws IOException;
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
        response.setStatus(status);
        if (method().equals("HEAD")) {
            write(new byte[0]);
            return;
        }
        OutputStream raw = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024);
        OutputStream out = gzip ? new FastGzip(raw) : raw;
        body.write(out);
        out.close();
    }

    /** Streams a JSON document written with Jackson's {@link JsonGenerator}; see {@link #stream}. */
    public void streamJson(int status, JsonBody body) throws IOException {
        stream(status, "application/json; charset=utf-8", out -> {
            try (JsonGenerator json = STREAMING_JSON.createGenerator(out)) {
                body.write(json);
            }
        });
    }

    /**
     * Large documents are written with Jackson's generator, which encodes straight to UTF-8 bytes:
     * Gson's writer, through a character encoder, took about twice as long over a 50,000-row page.
     * The stream is left open for {@link #stream} to close, and a document that fails midway is
     * left unterminated, so that no client takes a cut page for a whole one.
     */
    private static final JsonFactory STREAMING_JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();

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
