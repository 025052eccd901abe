package dev.apianalytics.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * What the conformance tests stand on: the hooks an adapter implements, the collector the
 * applications post to, and the helpers that start an application, send it requests and
 * collect what it recorded. Adapters extend {@link AbstractConformanceTest}, which documents
 * the contract; this class holds no tests of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceTestSupport {

    /** The key every test configuration carries. */
    public static final String API_KEY = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
    /** The size of the {@code /stream} body. */
    public static final int STREAM_BYTES = 1 << 20;
    /** The least time {@code /async} takes to complete. */
    public static final long ASYNC_DELAY_MILLIS = 100;
    /** A generous bound for records to arrive; tests finish as soon as they do. */
    protected static final Duration WAIT = Duration.ofSeconds(10);
    /** The user agent of every request {@link #request} builds. */
    protected static final String USER_AGENT = "conformance-suite/1.0 (+https://apianalytics.dev)";

    private RecordingCollector collector;
    private HttpClient client;
    private String baseUrl;

    ConformanceTestSupport() {
        // package-private: adapters extend AbstractConformanceTest, so each runs the whole suite
    }

    /** Starts the instrumented application and returns its base URL, {@code http://127.0.0.1:<port>}. */
    protected abstract String startApp(Config config) throws Exception;

    /** Stops the application started last, as a user's application stops (the adapter flushes). */
    protected abstract void stopApp() throws Exception;

    /** The framework name the adapter sends: Servlet, Javalin, Vert.x, Micronaut or Quarkus. */
    protected abstract String expectedFramework();

    /** The type {@code RequestView.unwrap} must accept: the framework's native request. */
    protected abstract Class<?> nativeRequestType();

    /**
     * The route template the adapter must send for a request to {@code path}, or {@code null}
     * when it must send none. The default is the table in {@link AbstractConformanceTest}.
     */
    protected String expectedRoute(String path) {
        switch (path) {
            case "/hello":
            case "/echo":
            case "/redirect":
            case "/boom":
            case "/async":
            case "/stream":
                return path;
            case "/users/42":
                return "/users/{id}";
            default:
                return null;
        }
    }

    @BeforeAll
    final void startCollector() {
        collector = RecordingCollector.start();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    final void stopCollector() {
        collector.close();
    }

    @BeforeEach
    final void forgetEarlierRecords() {
        collector.clear();
    }

    @AfterEach
    final void stopAppIfRunning() throws Exception {
        if (baseUrl != null) {
            stopAppNow();
        }
    }

    /** The collector the applications post to. */
    protected final RecordingCollector collector() {
        return collector;
    }

    /** A configuration posting to the collector, flushing every 50 ms, without a shutdown hook. */
    protected final Config.Builder config() {
        return Config.builder(API_KEY)
                .serverUrl(collector.url())
                .flushInterval(Duration.ofMillis(50))
                .maxRetryDuration(Duration.ofSeconds(5))
                .shutdownTimeout(Duration.ofSeconds(5))
                .flushOnShutdown(false);
    }

    /** Starts the application through {@link #startApp}; the suite stops it after the test. */
    protected final String start(Config config) throws Exception {
        String url = startApp(config);
        assertThat(url).as("startApp must return http://127.0.0.1:<port>").matches("http://127\\.0\\.0\\.1:\\d+");
        baseUrl = url;
        return url;
    }

    /** A request to the running application, with the suite's user agent. */
    protected final HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header("User-Agent", USER_AGENT);
    }

    /** Sends a request and reads the body as text. */
    protected final HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request and reads the body with {@code body}. */
    protected final <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        return client.send(request.build(), body);
    }

    /** Sends a request without waiting for the response. */
    protected final <T> CompletableFuture<HttpResponse<T>> sendAsync(
            HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        return client.sendAsync(request.build(), body);
    }

    /** Stops the application at once, without waiting for records; the suite does not stop it again. */
    protected final void stopAppNow() throws Exception {
        baseUrl = null;
        stopApp();
    }

    /**
     * Waits for {@code expected} records, stops the application (which flushes) and returns
     * every record received, asserting there are exactly {@code expected}: none is recorded twice.
     */
    protected final List<RecordedRequest> stopAndCollect(int expected) throws Exception {
        collector.awaitRecords(expected, WAIT);
        stopAppNow();
        List<RecordedRequest> records = collector.records();
        assertThat(records).as("records after the application stopped").hasSize(expected);
        return records;
    }
}
