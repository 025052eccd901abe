package dev.apianalytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.embedded.netty.NettyWebServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** The starter in a WebFlux application on Reactor Netty. */
class WebFluxConformanceTest extends AbstractConformanceTest {

    private ConfigurableApplicationContext context;

    WebFluxConformanceTest() {
        super(Options.of(ApiAnalyticsWebFilter.FRAMEWORK, ServerHttpRequest.class));
    }

    @Override
    protected String startApp(Config config) {
        context = SpringApps.start(WebFluxTestApp.class, WebApplicationType.REACTIVE, config);
        assertThat(((WebServerApplicationContext) context).getWebServer()).isInstanceOf(NettyWebServer.class);
        return SpringApps.baseUrl(context);
    }

    @Override
    protected void stopApp() {
        context.close();
    }
}
