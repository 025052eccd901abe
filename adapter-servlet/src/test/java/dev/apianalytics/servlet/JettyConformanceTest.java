package dev.apianalytics.servlet;

import dev.apianalytics.core.Config;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The filter, registered by code, on embedded Jetty 12 (ee10). */
class JettyConformanceTest extends ServletContainerConformanceTest {

    private final ScheduledExecutorService scheduler = TestServlets.scheduler();
    private Server server;

    @Override
    protected String startApp(Config config) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filter = new FilterHolder(new ApiAnalyticsFilter(config));
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        TestServlets.all(scheduler).forEach((mapping, servlet) -> {
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            context.addServlet(holder, mapping);
        });
        server.setHandler(context);
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    protected void stopApp() throws Exception {
        server.stop();
    }
}
