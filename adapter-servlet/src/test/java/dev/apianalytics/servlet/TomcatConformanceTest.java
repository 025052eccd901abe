package dev.apianalytics.servlet;

import dev.apianalytics.core.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** The filter, registered by code, on embedded Tomcat. */
class TomcatConformanceTest extends ServletContainerConformanceTest {

    private final ScheduledExecutorService scheduler = TestServlets.scheduler();
    private Tomcat tomcat;
    private Path baseDir;

    @Override
    protected String startApp(Config config) throws Exception {
        baseDir = Files.createTempDirectory("tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", baseDir.toString());
        FilterDef filter = new FilterDef();
        filter.setFilterName("apiAnalytics");
        filter.setFilter(new ApiAnalyticsFilter(config));
        filter.setAsyncSupported("true");
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("apiAnalytics");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        TestServlets.all(scheduler).forEach((pattern, servlet) -> {
            Wrapper wrapper = Tomcat.addServlet(context, pattern, servlet);
            wrapper.setAsyncSupported(true);
            context.addServletMappingDecoded(pattern, pattern);
        });
        // as a standalone Tomcat's conf/web.xml does: unmatched paths reach the default servlet, through the filter
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        tomcat.start();
        return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    @Override
    protected void stopApp() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        try (var files = Files.walk(baseDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
