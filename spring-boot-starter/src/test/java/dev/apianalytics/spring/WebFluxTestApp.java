package dev.apianalytics.spring;

import dev.apianalytics.testkit.Endpoint;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.http.codec.CodecsAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.HttpHandlerAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.ReactiveWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.error.ErrorWebFluxAutoConfiguration;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A WebFlux application serving every {@link Endpoint} with annotated controllers, as users write
 * them, on Reactor Netty (Tomcat is on the test class path too). It imports only the
 * auto-configurations it needs, so that each of the suite's many starts is quick.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ReactiveWebServerFactoryAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
        WebFluxAutoConfiguration.class, CodecsAutoConfiguration.class, ErrorWebFluxAutoConfiguration.class,
        ApiAnalyticsAutoConfiguration.class})
@Import(WebFluxTestApp.Endpoints.class)
class WebFluxTestApp {

    @Bean
    NettyReactiveWebServerFactory nettyServer() {
        return new NettyReactiveWebServerFactory();
    }

    @RestController
    static class Endpoints {

        @GetMapping("/hello")
        Mono<String> hello() {
            return Mono.just(Endpoint.HELLO.body());
        }

        @GetMapping("/users/{id}")
        Mono<String> user(@PathVariable String id) {
            return Mono.just(id);
        }

        @PostMapping("/echo")
        Mono<ResponseEntity<String>> echo(@RequestBody Mono<String> body) {
            return body.map(text -> ResponseEntity.status(HttpStatus.CREATED).body(text));
        }

        @GetMapping("/redirect")
        ResponseEntity<Void> redirect() {
            return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/hello")).build();
        }

        @GetMapping("/boom")
        Mono<String> boom() {
            throw new IllegalStateException("boom");
        }

        @GetMapping("/async")
        Mono<String> async() {
            return Mono.delay(Duration.ofMillis(Endpoint.ASYNC_DELAY_MILLIS)).map(tick -> Endpoint.ASYNC.body());
        }

        @GetMapping(value = "/stream", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
        Flux<DataBuffer> stream(ServerHttpResponse response) {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            return Flux.range(0, Endpoint.STREAM_BYTES / chunk.length)
                    .map(i -> response.bufferFactory().wrap(chunk.clone()));
        }
    }
}
