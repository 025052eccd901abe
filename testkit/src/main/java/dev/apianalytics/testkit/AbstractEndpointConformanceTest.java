package dev.apianalytics.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.RequestMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The conformance tests of what one request to each endpoint of the test application records,
 * with the default configuration: fields, route templates, statuses, asynchronous and streamed
 * responses, HEAD, and many requests at once. {@link AbstractConformanceTest} adds the tests of
 * the configuration options and describes the endpoints.
 */
public abstract class AbstractEndpointConformanceTest extends ConformanceTestSupport {

    AbstractEndpointConformanceTest() {
        // package-private: adapters extend AbstractConformanceTest, so each runs the whole suite
    }

    @Test
    void recordsEveryFieldOfASuccessfulRequest() throws Exception {
        String url = start(config().getUserId(RequestMapper.header("X-User-Id")).build());
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> response = send(request("/hello?page=2&sort=name").header("X-User-Id", "user-7"));
        Instant after = Instant.now();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");

        RecordedRequest record = collector().awaitRecords(1, WAIT).get(0);
        assertThat(record.apiKey()).isEqualTo(API_KEY);
        assertThat(record.framework()).isEqualTo(expectedFramework());
        assertThat(record.privacyLevel()).isZero();
        assertThat(record.method()).isEqualTo("GET");
        assertThat(record.path()).isEqualTo("/hello");
        assertThat(record.route()).isEqualTo(expectedRoute("/hello"));
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.responseTimeMillis()).isPositive();
        assertThat(record.hostname()).isEqualTo(URI.create(url).getAuthority());
        assertThat(record.ipAddress()).isEqualTo("127.0.0.1");
        assertThat(record.userAgent()).isEqualTo(USER_AGENT);
        assertThat(record.userId()).isEqualTo("user-7");
        assertThat(record.createdAt()).isBetween(before, after);
        assertThat(stopAndCollect(1)).hasSize(1);
    }

    @Test
    void recordsThePathParameterRouteTemplate() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/users/42"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("42");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/users/42");
        assertThat(record.route()).isEqualTo(expectedRoute("/users/42"));
        assertThat(record.status()).isEqualTo(200);
    }

    @Test
    void recordsAPostWithABody() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/echo").POST(HttpRequest.BodyPublishers.ofString("ping")));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("ping");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.method()).isEqualTo("POST");
        assertThat(record.path()).isEqualTo("/echo");
        assertThat(record.route()).isEqualTo(expectedRoute("/echo"));
        assertThat(record.status()).isEqualTo(201);
    }

    @Test
    void recordsARedirect() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/redirect"));
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/hello"));

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/redirect");
        assertThat(record.route()).isEqualTo(expectedRoute("/redirect"));
        assertThat(record.status()).isEqualTo(302);
    }

    @Test
    void recordsAnUnmatchedPathAs404() throws Exception {
        start(config().build());
        assertThat(send(request("/no-such-route?x=1")).statusCode()).isEqualTo(404);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/no-such-route");
        assertThat(record.route()).isEqualTo(expectedRoute("/no-such-route"));
        assertThat(record.status()).isEqualTo(404);
    }

    @Test
    void recordsAThrowingHandlerAs500() throws Exception {
        start(config().build());
        assertThat(send(request("/boom")).statusCode()).isEqualTo(500);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/boom");
        assertThat(record.route()).isEqualTo(expectedRoute("/boom"));
        assertThat(record.status()).isEqualTo(500);
    }

    @Test
    void measuresAnAsyncResponseUntilItCompletesAndRecordsItOnce() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/async"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("async");

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/async");
        assertThat(record.route()).isEqualTo(expectedRoute("/async"));
        assertThat(record.status()).isEqualTo(200);
        // the response cannot be complete before the delayed task ran
        assertThat(record.responseTimeMillis()).isGreaterThanOrEqualTo(BigDecimal.valueOf(ASYNC_DELAY_MILLIS));
    }

    @Test
    void recordsALargeStreamedResponse() throws Exception {
        start(config().build());
        HttpResponse<byte[]> response = send(request("/stream"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(STREAM_BYTES);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/stream");
        assertThat(record.route()).isEqualTo(expectedRoute("/stream"));
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.responseTimeMillis()).isPositive();
    }

    @Test
    void recordsAHeadRequest() throws Exception {
        start(config().build());
        HttpResponse<Void> response = send(
                request("/hello").method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.method()).isEqualTo("HEAD");
        assertThat(record.path()).isEqualTo("/hello");
        assertThat(record.status()).isEqualTo(200);
    }

    @Test
    void recordsEachOfManyConcurrentRequestsExactlyOnce() throws Exception {
        start(config().build());
        int count = 40;
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(sendAsync(request("/users/" + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < count; i++) {
            assertThat(responses.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo(String.valueOf(i));
        }

        List<RecordedRequest> records = stopAndCollect(count);
        assertThat(records).extracting(RecordedRequest::path).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, count).mapToObj(i -> "/users/" + i).toList());
        assertThat(records).allSatisfy(record -> assertThat(record.status()).isEqualTo(200));
    }
}
