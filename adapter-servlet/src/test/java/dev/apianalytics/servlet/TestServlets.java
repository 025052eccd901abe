package dev.apianalytics.servlet;

import dev.apianalytics.testkit.Endpoint;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The conformance suite's endpoints as plain servlets, keyed by their servlet mapping, and an async request left to time out. */
final class TestServlets {

    static final long ASYNC_TIMEOUT_MILLIS = 200;

    private TestServlets() {}

    static Map<String, HttpServlet> all(ScheduledExecutorService scheduler) {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        for (Endpoint endpoint : Endpoint.values()) {
            servlets.put(mapping(endpoint), servlet(endpoint, scheduler));
        }
        servlets.put("/timeout", get((request, response) -> {
            // never completed by the application: the container times it out
            request.startAsync().setTimeout(ASYNC_TIMEOUT_MILLIS);
        }));
        return servlets;
    }

    /** The servlet mapping of an endpoint: a path parameter becomes the rest of the path, {@code /users/*}. */
    static String mapping(Endpoint endpoint) {
        return endpoint.template().replaceFirst("/\\{.*$", "/*");
    }

    private static HttpServlet servlet(Endpoint endpoint, ScheduledExecutorService scheduler) {
        return switch (endpoint) {
            case HELLO -> get((request, response) -> text(response, endpoint.status(), endpoint.body()));
            case USER -> get((request, response) -> text(response, endpoint.status(), request.getPathInfo().substring(1)));
            case ECHO -> new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    text(response, endpoint.status(), new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            };
            case REDIRECT -> get((request, response) -> response.sendRedirect("/hello"));
            case BOOM -> get((request, response) -> {
                throw new IllegalStateException("handler failure the conformance suite provokes on purpose");
            });
            case ASYNC -> get((request, response) -> {
                AsyncContext async = request.startAsync();
                scheduler.schedule(() -> {
                    try {
                        text((HttpServletResponse) async.getResponse(), endpoint.status(), endpoint.body());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        async.complete();
                    }
                }, Endpoint.ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            });
            case STREAM -> get((request, response) -> {
                response.setContentType("application/octet-stream");
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'x');
                OutputStream out = response.getOutputStream();
                for (int sent = 0; sent < Endpoint.STREAM_BYTES; sent += chunk.length) {
                    out.write(chunk);
                    out.flush();
                }
            });
        };
    }

    static ScheduledExecutorService scheduler() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "async-endpoint");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static void text(HttpServletResponse response, int status, String body) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(body);
    }

    private interface Handler {
        void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
    }

    private static HttpServlet get(Handler handler) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                handler.handle(request, response);
            }
        };
    }
}
