package dev.apianalytics.servlet;

import dev.apianalytics.testkit.AbstractConformanceTest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The conformance suite's endpoints as plain servlets, keyed by their servlet mapping. */
final class TestServlets {

    static final long ASYNC_TIMEOUT_MILLIS = 200;

    private TestServlets() {}

    static Map<String, HttpServlet> all(ScheduledExecutorService scheduler) {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/hello", get((request, response) -> text(response, 200, "hello")));
        servlets.put("/users/*", get((request, response) -> text(response, 200, request.getPathInfo().substring(1))));
        servlets.put("/echo", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                text(response, 201, new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        });
        servlets.put("/redirect", get((request, response) -> response.sendRedirect("/hello")));
        servlets.put("/boom", get((request, response) -> {
            throw new IllegalStateException("handler failure the conformance suite provokes on purpose");
        }));
        servlets.put("/async", get((request, response) -> {
            AsyncContext async = request.startAsync();
            scheduler.schedule(() -> {
                try {
                    text((HttpServletResponse) async.getResponse(), 200, "async");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    async.complete();
                }
            }, AbstractConformanceTest.ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }));
        servlets.put("/timeout", get((request, response) -> {
            // never completed by the application: the container times it out
            request.startAsync().setTimeout(ASYNC_TIMEOUT_MILLIS);
        }));
        servlets.put("/stream", get((request, response) -> {
            response.setContentType("application/octet-stream");
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            OutputStream out = response.getOutputStream();
            for (int sent = 0; sent < AbstractConformanceTest.STREAM_BYTES; sent += chunk.length) {
                out.write(chunk);
                out.flush();
            }
        }));
        return servlets;
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
