package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A hello-world Spring Boot application, every auto-configuration on, as users write it: Spring
 * MVC on embedded Tomcat ({@link #mvc}), or WebFlux on Tomcat's reactive adapter ({@link #webFlux};
 * Reactor Netty needs a Netty that the benchmark's other servers do not run on). The starter is
 * on the class path of both variants; only the one given a key records, as in an application
 * that sets {@code api-analytics.api-key}.
 */
final class SpringApp implements LoadServer.App {

    private final ConfigurableApplicationContext context;
    private final ApiAnalytics analytics;

    private SpringApp(ConfigurableApplicationContext context, ApiAnalytics analytics) {
        this.context = context;
        this.analytics = analytics;
    }

    static SpringApp mvc(Config config) throws Exception {
        return start(config, MvcHello.class, WebApplicationType.SERVLET);
    }

    static SpringApp webFlux(Config config) throws Exception {
        return start(config, FluxHello.class, WebApplicationType.REACTIVE);
    }

    private static SpringApp start(Config config, Class<?> application, WebApplicationType type) throws Exception {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(application).web(type)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "logging.level.root=warn");
        if (config != null) {
            builder.properties("api-analytics.api-key=" + config.apiKey(), "api-analytics.server-url=" + config.serverUrl(),
                    "api-analytics.gzip=" + config.gzip(), "api-analytics.batch-size=" + config.batchSize(),
                    "api-analytics.flush-on-shutdown=false");
        }
        ConfigurableApplicationContext context = builder.run();
        ApiAnalytics analytics = context.getBeanProvider(ApiAnalytics.class).getIfAvailable();
        if (config != null) {
            LoadServer.checkEnabled(analytics);
        } else if (analytics != null) {
            throw new IllegalStateException("the starter recorded without a key");
        }
        return new SpringApp(context, analytics);
    }

    @Override
    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Override
    public ApiAnalytics analytics() {
        return analytics;
    }

    @Override
    public void close() {
        context.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class MvcHello {
        @GetMapping(value = {"/hello", "/hello/{id}"}, produces = "text/plain")
        String hello() {
            return LoadServer.HELLO;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class FluxHello {
        @GetMapping(value = {"/hello", "/hello/{id}"}, produces = "text/plain")
        Mono<String> hello() {
            return Mono.just(LoadServer.HELLO);
        }
    }
}
