package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.AbstractConformanceTest;
import dev.apianalytics.testkit.Batch;
import dev.apianalytics.testkit.Endpoint;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite's assertions against a Quarkus REST application. The suite itself
 * starts one application per test with a different {@code Config}; a {@code @QuarkusTest}
 * application is configured once from application.properties, so the suite's checks are
 * replicated here, with the mappers supplied as beans ({@link TestMappers}). Each test uses
 * its own paths, so records of one never satisfy another.
 */
@QuarkusTest
@WithTestResource(CollectorResource.class)
class QuarkusAdapterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String USER_AGENT = "conformance-suite/1.0";

    RecordingCollector collector;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + pathAndQuery))
                .header("User-Agent", USER_AGENT);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private RecordedRequest only(String path) {
        List<RecordedRequest> records = collector.awaitRecords(1, WAIT, record -> path.equals(record.path()));
        assertThat(records).as("records of %s", path).hasSize(1);
        return records.get(0);
    }

    @Test
    void recordsEveryFieldOfASuccessfulRequest() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> response = send(request("/hello?page=2").header("X-User-Id", "user-7"));
        Instant after = Instant.now();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");

        RecordedRequest record = only("/hello");
        assertThat(record.apiKey()).isEqualTo(AbstractConformanceTest.API_KEY);
        assertThat(record.framework()).isEqualTo("Quarkus");
        assertThat(record.privacyLevel()).isZero();
        assertThat(record.method()).isEqualTo("GET");
        assertThat(record.route()).isEqualTo("/hello");
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.responseTimeMillis()).isPositive();
        assertThat(record.hostname()).isEqualTo(base.getHost() + ":" + base.getPort());
        assertThat(record.ipAddress()).isEqualTo("127.0.0.1");
        assertThat(record.userAgent()).isEqualTo(USER_AGENT);
        assertThat(record.userId()).isEqualTo("user-7");
        assertThat(record.createdAt()).isBetween(before, after);
    }

    @Test
    void recordsThePathParameterRouteTemplateInTheWireFormat() throws Exception {
        assertThat(send(request("/users/42?tab=posts")).body()).isEqualTo("42");

        RecordedRequest record = only("/users/42");
        assertThat(record.route()).isEqualTo("/users/{id}");
        Batch batch = collector.batches().stream().filter(b -> b.requests().stream().anyMatch(r -> "/users/42".equals(r.path())))
                .findFirst().orElseThrow();
        assertThat(batch.gzipped()).isTrue();
        assertThat(batch.body().keySet()).containsExactly("api_key", "framework", "privacy_level", "requests");
        assertThat(record.json().keySet()).containsExactlyInAnyOrder("hostname", "ip_address", "path", "user_agent",
                "method", "status", "response_time", "user_id", "created_at", "route");
        assertThat(record.json().get("response_time").getAsString()).matches("\\d+\\.\\d{3}");
    }

    @Test
    void recordsAPostARedirectAndAHead() throws Exception {
        HttpResponse<String> posted = send(request("/echo").POST(HttpRequest.BodyPublishers.ofString("ping")));
        assertThat(posted.statusCode()).isEqualTo(201);
        assertThat(posted.body()).isEqualTo("ping");
        assertThat(send(request("/redirect")).statusCode()).isEqualTo(302);
        assertThat(send(request("/users/7").method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);

        RecordedRequest post = only("/echo");
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.status()).isEqualTo(201);
        assertThat(post.route()).isEqualTo("/echo");
        RecordedRequest redirect = only("/redirect");
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.route()).isEqualTo("/redirect");
        RecordedRequest head = only("/users/7");
        assertThat(head.method()).isEqualTo("HEAD");
        assertThat(head.status()).isEqualTo(200);
    }

    @Test
    void recordsUnmatchedPathsAs404AndThrowingResourcesAs500() throws Exception {
        assertThat(send(request("/no-such-route?x=1")).statusCode()).isEqualTo(404);
        assertThat(send(request("/boom")).statusCode()).isEqualTo(500);

        RecordedRequest missing = only("/no-such-route");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.route()).isNull();
        RecordedRequest boom = only("/boom");
        assertThat(boom.status()).isEqualTo(500);
        assertThat(boom.route()).isEqualTo("/boom");
    }

    @Test
    void measuresAsyncAndStreamedResponsesUntilComplete() throws Exception {
        assertThat(send(request("/async")).body()).isEqualTo("async");
        HttpResponse<byte[]> stream = client.send(request("/stream").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(stream.body()).hasSize(Endpoint.STREAM_BYTES);

        RecordedRequest async = only("/async");
        assertThat(async.route()).isEqualTo("/async");
        assertThat(async.responseTimeMillis()).isGreaterThanOrEqualTo(BigDecimal.valueOf(Endpoint.ASYNC_DELAY_MILLIS));
        RecordedRequest streamed = only("/stream");
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.route()).isEqualTo("/stream");
    }

    @Test
    void readsTheClientAddressFromXForwardedForThroughTheCustomizer() throws Exception {
        send(request("/users/5").header("X-Forwarded-For", "203.0.113.7, 10.0.0.1"));

        assertThat(only("/users/5").ipAddress()).isEqualTo("203.0.113.7");
    }

    @Test
    void aThrowingMapperLeavesItsFieldEmptyAndTheResponseUnchanged() throws Exception {
        HttpResponse<String> response = send(request("/users/13").header("X-Break-Mapper", "yes"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("13");

        RecordedRequest record = only("/users/13");
        assertThat(record.hostname()).isEmpty();
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.route()).isEqualTo("/users/{id}");
    }

    @Test
    void recordsTheTemplateOfAPlainVertxRoute() throws Exception {
        assertThat(send(request("/vertx/items/9")).body()).isEqualTo("9");

        RecordedRequest record = only("/vertx/items/9");
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.route()).isEqualTo("/vertx/items/{itemId}");
    }

    @Test
    void dropsTheRegularExpressionOfAPathParameter() throws Exception {
        assertThat(send(request("/orders/77")).body()).isEqualTo("77");

        assertThat(only("/orders/77").route()).isEqualTo("/orders/{orderId}");
    }
}
