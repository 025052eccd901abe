package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.servlet.ApiAnalyticsFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A hello-world servlet on embedded Jetty 12 (ee10), optionally behind {@link ApiAnalyticsFilter}. */
final class JettyServletApp implements LoadServer.App {

    private final Server server;
    private final ServerConnector connector;
    private final ApiAnalytics analytics;

    private JettyServletApp(Server server, ServerConnector connector, ApiAnalytics analytics) {
        this.server = server;
        this.connector = connector;
        this.analytics = analytics;
    }

    static JettyServletApp start(Config config) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ApiAnalyticsFilter filter = config == null ? null : new ApiAnalyticsFilter(config);
        if (filter != null) {
            FilterHolder holder = new FilterHolder(filter);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(new Hello()), "/hello");
        context.addServlet(new ServletHolder(new Hello()), "/hello/*");
        server.setHandler(context);
        server.start();
        ApiAnalytics analytics = filter == null ? null : filter.analytics();
        if (filter != null) {
            LoadServer.checkEnabled(analytics);
        }
        return new JettyServletApp(server, connector, analytics);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public ApiAnalytics analytics() {
        return analytics;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class Hello extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.setContentLength(LoadServer.HELLO_BYTES.length);
            response.getOutputStream().write(LoadServer.HELLO_BYTES);
        }
    }
}
