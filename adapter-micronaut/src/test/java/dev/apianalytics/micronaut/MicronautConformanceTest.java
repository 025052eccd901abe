package dev.apianalytics.micronaut;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import dev.apianalytics.testkit.AbstractConformanceTest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the suite against a Micronaut server configured the way a user configures it: the
 * suite's {@link Config} becomes {@code api-analytics.*} properties, and its mappers
 * {@code RequestMapper} beans named after the {@code Config} methods.
 */
class MicronautConformanceTest extends AbstractConformanceTest {

    private ApplicationContext context;

    MicronautConformanceTest() {
        super(Options.of("Micronaut", HttpRequest.class));
    }

    @Override
    protected String startApp(Config config) {
        context = ApplicationContext.builder().properties(properties(config)).build();
        mapper("getPath", config.getPath());
        mapper("getIpAddress", config.getIpAddress());
        mapper("getHostname", config.getHostname());
        mapper("getUserAgent", config.getUserAgent());
        mapper("getUserId", config.getUserId());
        context.start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        return "http://127.0.0.1:" + server.getPort();
    }

    static Map<String, Object> properties(Config config) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("micronaut.server.port", -1);
        properties.put("api-analytics.api-key", config.apiKey());
        properties.put("api-analytics.server-url", config.serverUrl().toString());
        properties.put("api-analytics.privacy-level", config.privacyLevel().level());
        properties.put("api-analytics.flush-interval", config.flushInterval().toMillis() + "ms");
        properties.put("api-analytics.batch-size", config.batchSize());
        properties.put("api-analytics.queue-capacity", config.queueCapacity());
        properties.put("api-analytics.request-timeout", config.requestTimeout().toMillis() + "ms");
        properties.put("api-analytics.max-retry-duration", config.maxRetryDuration().toMillis() + "ms");
        properties.put("api-analytics.shutdown-timeout", config.shutdownTimeout().toMillis() + "ms");
        properties.put("api-analytics.gzip", config.gzip());
        properties.put("api-analytics.flush-on-shutdown", config.flushOnShutdown());
        properties.put("api-analytics.exclude-paths", String.join(",", config.excludePaths()));
        properties.put("api-analytics.debug", config.debug());
        return properties;
    }

    private void mapper(String name, RequestMapper mapper) {
        if (mapper != null) {
            context.registerSingleton(RequestMapper.class, mapper, Qualifiers.byName(name));
        }
    }

    @Override
    protected void stopApp() {
        context.close();
    }
}
