package dev.apianalytics.testkit;

/**
 * The endpoints every conformance test application serves. An application registers them by
 * iterating {@link #values()} and switching on the constant (a {@code switch} expression with no
 * {@code default}, so a new endpoint does not compile until every application serves it):
 *
 * <pre>{@code
 * for (Endpoint endpoint : Endpoint.values()) {
 *     cfg.routes.addHttpHandler(HandlerType.findOrCreate(endpoint.method()), endpoint.template(), switch (endpoint) {
 *         case HELLO -> ctx -> ctx.result(endpoint.body());
 *         // ... one case per constant
 *     });
 * }
 * }</pre>
 *
 * <p>A {@code GET} endpoint answers {@code HEAD} too, as HTTP requires. Any other path, such as
 * {@code /no-such-route}, answers 404.
 */
public enum Endpoint {

    /** Answers the text {@code hello}. */
    HELLO("GET", "/hello", "/hello", null, 200, "hello"),
    /** Answers its path parameter as text. */
    USER("GET", "/users/{id}", "/users/42", null, 200, "42"),
    /** Answers the request body it was posted, with status 201. */
    ECHO("POST", "/echo", "/echo", "ping", 201, "ping"),
    /** Answers 302 with {@code Location: /hello}. */
    REDIRECT("GET", "/redirect", "/redirect", null, 302, null),
    /** Throws a {@code RuntimeException}; the framework answers 500 with a body of its own. */
    BOOM("GET", "/boom", "/boom", null, 500, null),
    /**
     * Answers the text {@code async} from another thread (a timer, a future) at least
     * {@value #ASYNC_DELAY_MILLIS} ms after the handler returned.
     */
    ASYNC("GET", "/async", "/async", null, 200, "async"),
    /** Answers {@value #STREAM_BYTES} bytes written in chunks of at most 64 KiB. */
    STREAM("GET", "/stream", "/stream", null, 200, null);

    /** The size of the {@link #STREAM} body. */
    public static final int STREAM_BYTES = 1 << 20;
    /** The least time {@link #ASYNC} takes to complete. */
    public static final long ASYNC_DELAY_MILLIS = 100;

    private final String method;
    private final String template;
    private final String path;
    private final String requestBody;
    private final int status;
    private final String body;

    Endpoint(String method, String template, String path, String requestBody, int status, String body) {
        this.method = method;
        this.template = template;
        this.path = path;
        this.requestBody = requestBody;
        this.status = status;
        this.body = body;
    }

    /** The HTTP method the endpoint is registered for. */
    public String method() {
        return method;
    }

    /**
     * The route template, path parameters in braces ({@code /users/{id}}): where the application
     * registers the endpoint (in its framework's syntax) and the route the adapter should record.
     */
    public String template() {
        return template;
    }

    /** The path the suite requests. */
    public String path() {
        return path;
    }

    /** The body the suite sends, or {@code null} for none. */
    public String requestBody() {
        return requestBody;
    }

    /** The status the endpoint answers. */
    public int status() {
        return status;
    }

    /** The text the endpoint answers, or {@code null} when it is not text (see the constant). */
    public String body() {
        return body;
    }
}
