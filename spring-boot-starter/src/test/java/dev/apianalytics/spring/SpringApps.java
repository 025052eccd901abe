package dev.apianalytics.spring;

import dev.apianalytics.core.Config;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/** Starts the test applications on a random loopback port, as a user's application starts. */
final class SpringApps {

    private SpringApps() {}

    /**
     * Starts {@code app} with these {@code api-analytics.*} properties (and whatever else is given)
     * and, when {@code config} is not {@code null}, that configuration as the application's own bean.
     */
    static ConfigurableApplicationContext start(Class<?> app, WebApplicationType type, Config config, String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
                "spring.main.banner-mode=off", "management.endpoints.access.default=none"));
        if (config != null && config.enabled()) {
            all.add("api-analytics.api-key=" + config.apiKey());
        }
        all.addAll(List.of(properties));
        SpringApplicationBuilder builder = new SpringApplicationBuilder(app).web(type).properties(all.toArray(String[]::new));
        if (config != null) {
            builder.initializers(context -> ((GenericApplicationContext) context).registerBean(Config.class, () -> config));
        }
        return builder.run();
    }

    static String baseUrl(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
