package dev.apianalytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * On Netty the client can have the whole response before the exchange's completion reaches the
 * starter's filter. An application stopped in that moment must still send the request's record.
 */
class WebFluxShutdownTest {

    /** How long the application's own filter keeps the exchange open after the response is written. */
    private static final Duration LINGER = Duration.ofMillis(300);

    @Test
    void aRequestAnsweredJustBeforeTheApplicationStopsIsStillSent() throws Exception {
        try (RecordingCollector collector = RecordingCollector.start()) {
            Config config = Config.builder("3f1c6b2a-0000-4000-8000-000000000001").serverUrl(collector.url())
                    .flushInterval(Duration.ofHours(1)).build();
            ConfigurableApplicationContext context = SpringApps.start(LingeringApp.class, WebApplicationType.REACTIVE, config);
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(SpringApps.baseUrl(context) + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("hello");
            // the response is read; the exchange completes only LINGER later
            context.close();
            assertThat(collector.awaitRecords(1, Duration.ofSeconds(5))).extracting(RecordedRequest::path)
                    .containsExactly("/hello");
        }
    }

    /** The suite's WebFlux application, with a filter of its own inside the starter's. */
    @SpringBootConfiguration
    @Import(WebFluxTestApp.class)
    static class LingeringApp {

        /** Inside the starter's filter: after the response is written, it holds the exchange open a while. */
        @Bean
        WebFilter lingering() {
            return new LingeringFilter();
        }
    }

    private static final class LingeringFilter implements WebFilter, Ordered {
        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            return chain.filter(exchange).then(Mono.delay(LINGER)).then();
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
