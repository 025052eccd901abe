package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.micronaut.ApiAnalyticsFilter;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;

/**
 * A hello-world Micronaut 4 application on its Netty server, configured as users configure it.
 * The adapter is on the class path of both variants; the baseline switches it off with
 * {@code api-analytics.enabled: false}, which registers no filter, so it pays nothing for it.
 */
final class MicronautApp implements LoadServer.App {

    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final ApiAnalytics analytics;

    private MicronautApp(ApplicationContext context, EmbeddedServer server, ApiAnalytics analytics) {
        this.context = context;
        this.server = server;
        this.analytics = analytics;
    }

    static MicronautApp start(Config config) throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("micronaut.server.port", -1);
        if (config == null) {
            properties.put("api-analytics.enabled", false);
        } else {
            properties.put("api-analytics.api-key", config.apiKey());
            properties.put("api-analytics.server-url", config.serverUrl().toString());
            properties.put("api-analytics.gzip", config.gzip());
            properties.put("api-analytics.batch-size", config.batchSize());
            properties.put("api-analytics.flush-on-shutdown", false);
        }
        ApplicationContext context = ApplicationContext.builder().properties(properties).start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        ApiAnalytics analytics = context.findBean(ApiAnalyticsFilter.class).map(ApiAnalyticsFilter::analytics).orElse(null);
        if (config != null) {
            LoadServer.checkEnabled(analytics);
        } else if (analytics != null) {
            throw new IllegalStateException("the adapter is registered in the baseline");
        }
        return new MicronautApp(context, server, analytics);
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public ApiAnalytics analytics() {
        return analytics;
    }

    @Override
    public void close() {
        context.close();
    }

    @Controller
    @Produces(MediaType.TEXT_PLAIN)
    static final class Hello {
        @Get("/hello")
        String hello() {
            return LoadServer.HELLO;
        }

        @Get("/hello/{id}")
        String helloId(String id) {
            return LoadServer.HELLO;
        }
    }
}
