package dev.apianalytics.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The filter as web.xml declares it: the container instantiates it by name and passes init parameters. */
class InitParameterRegistrationTest {

    private final RecordingCollector collector = RecordingCollector.start();
    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        collector.close();
    }

    @Test
    void readsTheConfigurationFromInitParameters() throws Exception {
        String url = start(Map.of(
                "api-key", "init-param-key",
                "server-url", collector.url(),
                "privacy-level", "1",
                "flush-interval", "PT1H",
                "ip-address-header", "X-Forwarded-For",
                "user-id-header", "X-User-Id",
                "flush-on-shutdown", "false"));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/hello"))
                .header("X-Forwarded-For", "203.0.113.9").header("X-User-Id", "u-1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("hello");

        server.stop(); // destroy() flushes despite the hour-long flush interval
        server = null;
        RecordedRequest record = collector.awaitRecords(1, Duration.ofSeconds(5)).get(0);
        assertThat(record.apiKey()).isEqualTo("init-param-key");
        assertThat(record.framework()).isEqualTo("Servlet");
        assertThat(record.privacyLevel()).isEqualTo(1);
        assertThat(record.ipAddress()).isEqualTo("203.0.113.9");
        assertThat(record.userId()).isEqualTo("u-1");
        assertThat(record.route()).isEqualTo("/hello");
    }

    @Test
    void aBadInitParameterFailsTheStartNamingIt() {
        assertThatThrownBy(() -> start(Map.of("api-key", "k", "privacy-level", "7")))
                .hasStackTraceContaining("init-param privacy-level")
                .hasStackTraceContaining("privacyLevel must be 0, 1 or 2, but was 7");
    }

    private String start(Map<String, String> initParameters) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filter = new FilterHolder(ApiAnalyticsFilter.class);
        filter.setInitParameters(initParameters);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        TestServlets.all(TestServlets.scheduler()).forEach((mapping, servlet) -> context.addServlet(servlet, mapping));
        server.setHandler(context);
        server.setStopAtShutdown(false);
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort();
    }
}
