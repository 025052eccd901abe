package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.internal.Seams;
import dev.apianalytics.servlet.ApiAnalyticsFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A hello-world servlet on embedded Jetty 12 (ee10), optionally behind {@link ApiAnalyticsFilter}
 * or, for the floor under any middleware, behind a bare capture ({@link IdealCapture}).
 */
final class JettyServletApp implements LoadServer.App {

    private final Server server;
    private final ServerConnector connector;
    private final ApiAnalytics analytics;
    private final IdealCapture ideal;

    private JettyServletApp(Server server, ServerConnector connector, ApiAnalytics analytics, IdealCapture ideal) {
        this.server = server;
        this.connector = connector;
        this.analytics = analytics;
        this.ideal = ideal;
    }

    static JettyServletApp start(Config config) throws Exception {
        return config == null ? start(null, null) : startWith(new ApiAnalyticsFilter(config));
    }

    /**
     * The hello world behind our filter whose uploader drops each batch unread instead of encoding
     * and posting it: what the filter costs on the request's side alone.
     */
    static JettyServletApp startUnsent(Config config) throws Exception {
        return startWith(new ApiAnalyticsFilter(Seams.discardingAnalytics(config, ApiAnalyticsFilter.FRAMEWORK)));
    }

    private static JettyServletApp startWith(ApiAnalyticsFilter filter) throws Exception {
        JettyServletApp app = start(filter, null);
        LoadServer.checkEnabled(filter.analytics());
        return app;
    }

    /** The hello world with the floor under any middleware in its place: a bare capture of each request. */
    static JettyServletApp startIdeal() throws Exception {
        IdealCapture ideal = new IdealCapture();
        HttpFilter capture = new HttpFilter() {
            @Override
            protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                long startNanos = System.nanoTime();
                long startMillis = System.currentTimeMillis();
                chain.doFilter(request, response);
                ideal.capture(new IdealCapture.Capture(request.getMethod(), request.getRequestURI(), response.getStatus(),
                        startNanos, System.nanoTime(), startMillis));
            }
        };
        return start(capture, ideal);
    }

    private static JettyServletApp start(Filter filter, IdealCapture ideal) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        if (filter != null) {
            FilterHolder holder = new FilterHolder(filter);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.addServlet(new ServletHolder(new Hello()), "/hello");
        context.addServlet(new ServletHolder(new Hello()), "/hello/*");
        server.setHandler(context);
        server.start();
        ApiAnalytics analytics = filter instanceof ApiAnalyticsFilter ours ? ours.analytics() : null;
        return new JettyServletApp(server, connector, analytics, ideal);
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
    public long[] counts() {
        return ideal == null ? LoadServer.App.super.counts() : ideal.counts();
    }

    @Override
    public void close() throws Exception {
        if (ideal != null) {
            ideal.close();
        }
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
