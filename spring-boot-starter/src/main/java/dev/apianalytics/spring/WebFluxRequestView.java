package dev.apianalytics.spring;

import dev.apianalytics.core.RequestView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** A {@link RequestView} over WebFlux's {@link ServerHttpRequest}. */
final class WebFluxRequestView implements RequestView {

    private final ServerHttpRequest request;

    WebFluxRequestView(ServerHttpRequest request) {
        this.request = request;
    }

    @Override
    public String method() {
        return request.getMethod().name();
    }

    @Override
    public String path() {
        return request.getPath().value();
    }

    @Override
    public String host() {
        String host = request.getHeaders().getFirst(HttpHeaders.HOST);
        return host == null ? "" : host;
    }

    @Override
    public String header(String name) {
        return request.getHeaders().getFirst(name);
    }

    @Override
    public String remoteAddress() {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return null;
        }
        InetAddress address = remote.getAddress();
        // an unresolved address has no InetAddress: its host string is what the server was told
        return address == null ? remote.getHostString() : address.getHostAddress();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(request)) {
            return type.cast(request);
        }
        throw new IllegalArgumentException("The native request is a " + request.getClass().getName() + ", not a " + type.getName());
    }
}
