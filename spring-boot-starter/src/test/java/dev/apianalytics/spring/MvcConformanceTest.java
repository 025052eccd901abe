package dev.apianalytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.context.ConfigurableApplicationContext;

/** The starter in a Spring MVC application on embedded Tomcat. */
class MvcConformanceTest extends AbstractConformanceTest {

    private ConfigurableApplicationContext context;

    MvcConformanceTest() {
        super(Options.of(ApiAnalyticsAutoConfiguration.Servlet.FRAMEWORK, HttpServletRequest.class));
    }

    @Override
    protected String startApp(Config config) {
        context = SpringApps.start(MvcTestApp.class, WebApplicationType.SERVLET, config);
        assertThat(((WebServerApplicationContext) context).getWebServer()).isInstanceOf(TomcatWebServer.class);
        return SpringApps.baseUrl(context);
    }

    @Override
    protected void stopApp() {
        context.close();
    }
}
