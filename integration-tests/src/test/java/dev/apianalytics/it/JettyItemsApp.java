package dev.apianalytics.it;

import dev.apianalytics.core.Config;
import dev.apianalytics.servlet.ApiAnalyticsFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The test API as plain servlets on embedded Jetty 12 (ee10), optionally behind {@link ApiAnalyticsFilter}. */
final class JettyItemsApp implements ItemsServer {

    private final Server server;
    private final ServerConnector connector;
    private final Set<String> seen;

    private JettyItemsApp(Server server, ServerConnector connector, Set<String> seen) {
        this.server = server;
        this.connector = connector;
        this.seen = seen;
    }

    /** {@code config == null}: without analytics. Jetty passes broken escapes and non-UTF-8 paths on, as in {@link ItemsApp}. */
    static JettyItemsApp start(Config config) throws Exception {
        LogCapture.install();
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(ItemsApp.REQUEST_HEADER_BYTES);
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        Set<String> seen = ConcurrentHashMap.newKeySet();
        ServletContextHandler context = new ServletContextHandler();
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        // the application's own filter, outermost: it sees every request that reaches the app
        Filter remember = (request, response, chain) -> {
            try {
                chain.doFilter(request, response);
            } finally {
                String id = ((HttpServletRequest) request).getHeader("X-Request-Id");
                if (id != null) {
                    seen.add(id);
                }
            }
        };
        context.addFilter(new FilterHolder(remember), "/*", EnumSet.of(DispatcherType.REQUEST));
        if (config != null) {
            FilterHolder analytics = new FilterHolder(new ApiAnalyticsFilter(config));
            analytics.setAsyncSupported(true);
            context.addFilter(analytics, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(new Items()), "/items/*");
        context.addServlet(new ServletHolder(new Stream()), "/stream/*");
        server.setHandler(context);
        server.start();
        return new JettyItemsApp(server, connector, seen);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public Set<String> seenRequestIds() {
        return Set.copyOf(seen);
    }

    @Override
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    private static final class Items extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String uri = request.getRequestURI();
            response.setContentType("text/plain;charset=utf-8");
            response.getOutputStream().write(("item " + uri.substring(uri.lastIndexOf('/') + 1)).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class Stream extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/octet-stream");
            byte[] chunk = new byte[ItemsApp.STREAM_CHUNK];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = ItemsApp.streamByte(i);
            }
            OutputStream out = response.getOutputStream();
            for (int sent = 0; sent < ItemsApp.STREAM_BYTES; sent += chunk.length) {
                out.write(chunk);
                out.flush();
            }
        }
    }
}
