package dev.apianalytics.micronaut;

import dev.apianalytics.core.RequestView;
import io.micronaut.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** One request in flight: the view mappers read, with what the response filter learnt. */
final class MicronautRequestView implements RequestView {

    private final HttpRequest<?> request;
    private final long startNanos;
    private final long startMillis;
    private volatile int status;
    private volatile String route;

    MicronautRequestView(HttpRequest<?> request, long startNanos, long startMillis) {
        this.request = request;
        this.startNanos = startNanos;
        this.startMillis = startMillis;
    }

    void responded(int status, String uriTemplate) {
        this.route = withoutQueryTemplate(uriTemplate);
        this.status = status;
    }

    int status() {
        return status;
    }

    String route() {
        return route;
    }

    long startNanos() {
        return startNanos;
    }

    long startMillis() {
        return startMillis;
    }

    @Override
    public String method() {
        return request.getMethodName();
    }

    @Override
    public String path() {
        return request.getPath();
    }

    @Override
    public String host() {
        String host = request.getHeaders().get("Host");
        return host == null ? "" : host;
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public String remoteAddress() {
        InetSocketAddress remote = request.getRemoteAddress();
        InetAddress address = remote == null ? null : remote.getAddress();
        return address == null ? null : address.getHostAddress();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(request)) {
            return type.cast(request);
        }
        throw new IllegalArgumentException("A Micronaut request unwraps to HttpRequest, not " + type.getName());
    }

    /** {@code /books{?max,offset}} is the route {@code /books}. */
    private static String withoutQueryTemplate(String template) {
        if (template == null) {
            return null;
        }
        int query = template.indexOf("{?");
        return query < 0 ? template : template.substring(0, query);
    }
}
