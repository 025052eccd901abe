package dev.apianalytics.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/**
 * An application that registers the filter twice (by code and again through a framework, say)
 * records each request once: on a thread whose previous request failed, and when a filter in
 * between runs the rest of the chain on another thread, as timeout and bulkhead filters do.
 */
class FilterRegisteredTwiceTest {

    @Test
    void aRequestWhoseChainContinuesOnAnotherThreadIsRecordedOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RecordingCollector collector = RecordingCollector.start()) {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.addFilter(new FilterHolder(filter(collector)), "/*", EnumSet.of(DispatcherType.REQUEST));
            Filter elsewhere = (request, response, chain) -> {
                try {
                    pool.submit(() -> {
                        chain.doFilter(request, response);
                        return null;
                    }).get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new ServletException(e);
                }
            };
            context.addFilter(new FilterHolder(elsewhere), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addFilter(new FilterHolder(filter(collector)), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new OkOrFail(), "/*");
            server.setHandler(context);
            server.start();
            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/ok/1", "/ok/2", "/fail/3")) {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            server.stop();

            assertThat(collector.records()).extracting(RecordedRequest::path)
                    .containsExactlyInAnyOrder("/ok/1", "/ok/2", "/fail/3");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachRequestIsRecordedOnceOnThreadsServingRequestAfterRequest() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            // few threads, so that the requests below follow one another on the same ones
            Server server = new Server(new QueuedThreadPool(6, 6));
            ServerConnector connector = new ServerConnector(server, 1, 1);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            for (int i = 0; i < 2; i++) {
                context.addFilter(new FilterHolder(filter(collector)), "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            context.addServlet(new OkOrFail(), "/*");
            server.setHandler(context);
            server.start();
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            HttpClient client = HttpClient.newHttpClient();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String path = (i % 3 == 0 ? "/fail/" : "/ok/") + i;
                sent.add(path);
                client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            server.stop();

            assertThat(collector.records()).extracting(RecordedRequest::path).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(collector.records()).filteredOn(r -> r.path().startsWith("/fail/"))
                    .extracting(RecordedRequest::status).containsOnly(500);
        }
    }

    private static ApiAnalyticsFilter filter(RecordingCollector collector) {
        return new ApiAnalyticsFilter(Config.builder("k").serverUrl(collector.url()).flushOnShutdown(false).build());
    }

    private static final class OkOrFail extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            if (request.getRequestURI().startsWith("/fail/")) {
                throw new ServletException("a failure the test asks for");
            }
            response.getWriter().write("ok");
        }
    }
}
