package dev.apianalytics.examples.servlet;

import dev.apianalytics.core.Config;
import dev.apianalytics.servlet.ApiAnalyticsFilter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Registers analytics in front of every servlet of the application when the container starts it. */
@WebListener
public final class AnalyticsListener implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext servletContext = event.getServletContext();
        Config config = Config.builder("<API-KEY>").build();
        FilterRegistration.Dynamic filter = servletContext.addFilter("apiAnalytics", new ApiAnalyticsFilter(config));
        filter.setAsyncSupported(true); // so asynchronous requests are timed until they complete
        filter.addMappingForUrlPatterns(null, false, "/*");
    }
}
