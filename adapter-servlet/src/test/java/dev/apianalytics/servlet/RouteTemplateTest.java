package dev.apianalytics.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.assertj.core.groups.Tuple;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** Route templates from every kind of servlet mapping, under a context path. */
class RouteTemplateTest {

    @Test
    void namesTheServletMappingWithTheContextPath() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/shop");
            context.addFilter(new FilterHolder(new ApiAnalyticsFilter(Config.builder("k").serverUrl(collector.url())
                    .flushOnShutdown(false).build())), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new Ok(), "");
            context.addServlet(new Ok(), "/items/*");
            context.addServlet(new Ok(), "*.do");
            context.addServlet(new Ok(), "/about");
            server.setHandler(context);
            server.start();
            String base = "http://127.0.0.1:" + connector.getLocalPort();
            HttpClient client = HttpClient.newHttpClient();
            for (String path : new String[] {"/shop/", "/shop/items/7", "/shop/checkout.do", "/shop/about", "/shop/missing"}) {
                client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            server.stop();

            assertThat(collector.records()).extracting(RecordedRequest::path, RecordedRequest::route, RecordedRequest::status)
                    .containsExactlyInAnyOrder(
                            Tuple.tuple("/shop/", "/shop/", 200),
                            Tuple.tuple("/shop/items/7", "/shop/items/*", 200),
                            Tuple.tuple("/shop/checkout.do", "/shop/*.do", 200),
                            Tuple.tuple("/shop/about", "/shop/about", 200),
                            Tuple.tuple("/shop/missing", null, 404));
        }
    }

    private static final class Ok extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().write("ok");
        }
    }
}
