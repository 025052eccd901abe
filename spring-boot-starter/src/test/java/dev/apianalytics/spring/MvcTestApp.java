package dev.apianalytics.spring;

import dev.apianalytics.testkit.Endpoint;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * A Spring MVC application serving every {@link Endpoint} with annotated controllers, as users write
 * them. It imports only the auto-configurations it needs, so that each of the suite's many starts
 * is quick; {@link StarterTest} proves the starter is found through {@code AutoConfiguration.imports}.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, ErrorMvcAutoConfiguration.class,
        TaskExecutionAutoConfiguration.class, ApiAnalyticsAutoConfiguration.class})
@Import(MvcTestApp.Endpoints.class)
class MvcTestApp {

    @RestController
    static class Endpoints {

        @GetMapping("/hello")
        String hello() {
            return Endpoint.HELLO.body();
        }

        @GetMapping("/users/{id}")
        String user(@PathVariable String id) {
            return id;
        }

        @PostMapping("/echo")
        ResponseEntity<String> echo(@RequestBody String body) {
            return ResponseEntity.status(HttpStatus.CREATED).body(body);
        }

        @GetMapping("/redirect")
        ResponseEntity<Void> redirect() {
            return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/hello")).build();
        }

        @GetMapping("/boom")
        String boom() {
            throw new IllegalStateException("boom");
        }

        @GetMapping("/async")
        CompletableFuture<String> async() {
            return CompletableFuture.supplyAsync(Endpoint.ASYNC::body,
                    CompletableFuture.delayedExecutor(Endpoint.ASYNC_DELAY_MILLIS, TimeUnit.MILLISECONDS));
        }

        @GetMapping("/stream")
        ResponseEntity<StreamingResponseBody> stream() {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(out -> {
                for (int sent = 0; sent < Endpoint.STREAM_BYTES; sent += chunk.length) {
                    out.write(chunk);
                    out.flush();
                }
            });
        }
    }
}
