package dev.apianalytics.servlet;

import dev.apianalytics.core.RequestView;
import jakarta.servlet.http.HttpServletRequest;

/** The servlet request as core sees it. */
final class ServletRequestView implements RequestView {

    private final HttpServletRequest request;

    ServletRequestView(HttpServletRequest request) {
        this.request = request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return request.getRequestURI();
    }

    @Override
    public String host() {
        String host = request.getHeader("Host");
        return host == null ? "" : host;
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(request)) {
            return type.cast(request);
        }
        throw new IllegalArgumentException("the native request is a " + request.getClass().getName()
                + ", not a " + type.getName());
    }
}
