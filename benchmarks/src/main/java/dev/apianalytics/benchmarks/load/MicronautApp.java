package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.micronaut.ApiAnalyticsFilter;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;

/**
 * A hello-world Micronaut 4 application on its Netty server, configured as users configure it.
 * The adapter is on the class path of both variants; the baseline switches it off with
 * {@code api-analytics.enabled: false}, which registers no filter, so it pays nothing for it.
 * For the floor, a bare capture ({@link IdealCapture}) takes the adapter's place, through the same
 * two filter methods: the least a Micronaut filter that times requests can do.
 */
final class MicronautApp implements LoadServer.App {

    private static final String IDEAL_PROPERTY = "load-benchmark.ideal-capture";

    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final ApiAnalytics analytics;
    private final IdealCapture ideal;

    private MicronautApp(ApplicationContext context, EmbeddedServer server, ApiAnalytics analytics, IdealCapture ideal) {
        this.context = context;
        this.server = server;
        this.analytics = analytics;
        this.ideal = ideal;
    }

    static MicronautApp startIdeal() throws Exception {
        IdealCapture ideal = new IdealCapture();
        Map<String, Object> properties = serverProperties();
        properties.put("api-analytics.enabled", false);
        properties.put(IDEAL_PROPERTY, true);
        ApplicationContext context = ApplicationContext.builder().properties(properties).singletons(ideal).start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        return new MicronautApp(context, server, null, ideal);
    }

    static MicronautApp start(Config config) throws Exception {
        Map<String, Object> properties = serverProperties();
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
        return new MicronautApp(context, server, analytics, null);
    }

    private static Map<String, Object> serverProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("micronaut.server.port", -1);
        return properties;
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
    public long[] counts() {
        return ideal == null ? LoadServer.App.super.counts() : ideal.counts();
    }

    @Override
    public void close() {
        context.close();
        if (ideal != null) {
            ideal.close();
        }
    }

    /** The floor: the request's start in an attribute, and one capture per response. */
    @ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
    @Requires(property = IDEAL_PROPERTY, value = "true")
    static final class IdealFilter implements Ordered {
        private static final String START = "load-benchmark.start";

        private final IdealCapture capture;

        IdealFilter(IdealCapture capture) {
            this.capture = capture;
        }

        @Override
        public int getOrder() {
            return ServerFilterPhase.FIRST.before();
        }

        @RequestFilter
        void onRequest(HttpRequest<?> request) {
            request.setAttribute(START, new long[] {System.nanoTime(), System.currentTimeMillis()});
        }

        @ResponseFilter
        void onResponse(HttpRequest<?> request, MutableHttpResponse<?> response) {
            long[] start = request.getAttribute(START, long[].class).orElse(null);
            if (start != null) {
                capture.capture(new IdealCapture.Capture(request.getMethodName(), request.getPath(), response.code(), start[0],
                        System.nanoTime(), start[1]));
            }
        }
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
