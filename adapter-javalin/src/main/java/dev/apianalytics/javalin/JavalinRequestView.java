package dev.apianalytics.javalin;

import dev.apianalytics.core.RequestView;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;

/** Javalin's context as core sees it; {@link #unwrap} accepts {@link Context} and {@link HttpServletRequest}. */
final class JavalinRequestView implements RequestView {

    private final Context ctx;

    JavalinRequestView(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public String method() {
        return ctx.req().getMethod();
    }

    @Override
    public String path() {
        return ctx.req().getRequestURI();
    }

    @Override
    public String host() {
        String host = ctx.req().getHeader("Host");
        return host == null ? "" : host;
    }

    @Override
    public String header(String name) {
        return ctx.req().getHeader(name);
    }

    @Override
    public String remoteAddress() {
        return ctx.req().getRemoteAddr();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(ctx)) {
            return type.cast(ctx);
        }
        if (type.isInstance(ctx.req())) {
            return type.cast(ctx.req());
        }
        throw new IllegalArgumentException("the native request is a Javalin Context (or its HttpServletRequest), not a "
                + type.getName());
    }
}
