package dev.apianalytics.examples.micronaut;

import io.micronaut.runtime.Micronaut;

/**
 * A small Micronaut API that records its traffic with API Analytics: the dependency and the
 * {@code api-analytics} block of application.yml are all it takes.
 *
 * <pre>
 * API_ANALYTICS_KEY=&lt;key&gt; mvn -pl examples/micronaut exec:java
 * curl http://localhost:7072/users/1
 * </pre>
 *
 * Environment: {@code API_ANALYTICS_KEY}, {@code API_ANALYTICS_SERVER_URL} (default
 * http://localhost:8421), {@code PORT} (default 7072). Ctrl-C closes the context, which flushes.
 */
public final class Application {

    private Application() {}

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
