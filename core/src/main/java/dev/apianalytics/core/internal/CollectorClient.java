package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Posts one encoded batch to the collector and tells what its answer means for the batch. */
final class CollectorClient implements AutoCloseable {

    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final int MAX_ERROR_BODY = 300;

    /** What to do with a batch after one attempt. */
    enum Verdict {
        /** A 2xx: the collector has the batch. */
        ACCEPTED,
        /** A 429 or a 5xx: try again later. */
        RETRY,
        /** Any other answer: sending the batch again would not help. */
        REFUSED
    }

    /**
     * One answer, classified.
     *
     * @param message the start of the response body, for the log
     * @param retryAfter the wait the collector asked for, if any (read only when retrying)
     * @param readsCompact whether the collector said it reads the compact form
     * @param fromOurCollector whether the answer carries our collector's formats header, which it sets
     *     before anything else: a 5xx without it may come from a proxy that lost the collector's answer
     */
    record Answer(Verdict verdict, int status, String message, Optional<Duration> retryAfter, boolean readsCompact,
            boolean fromOurCollector) {}

    private final URI endpoint;
    private final boolean gzip;
    private final ExecutorService httpExecutor;
    private final HttpClient client;

    CollectorClient(Config config) {
        this.endpoint = endpointOf(config.serverUrl());
        this.gzip = config.gzip();
        this.httpExecutor = Executors.newSingleThreadExecutor(runnable -> Uploader.daemon(runnable, "api-analytics-http"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .executor(httpExecutor)
                .build();
    }

    /** Where batches are posted: the server URL's path (a reverse-proxy prefix, say) plus {@code /api/log-request}. */
    static URI endpointOf(URI serverUrl) {
        String base = serverUrl.toString();
        int query = base.indexOf('?');
        if (query >= 0) {
            base = base.substring(0, query);
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/api/log-request");
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * Posts {@code body} once. Every attempt of one batch must pass the same {@code batchId},
     * so that the collector stores a batch whose answer was lost only once.
     */
    Answer post(byte[] body, String batchId, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(request(body, batchId, timeout), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        String message = readAbbreviated(response.body());
        List<String> formats = response.headers().allValues(WireFormat.FORMATS_HEADER);
        boolean compact = readsCompact(formats);
        boolean ours = !formats.isEmpty();
        if (status >= 200 && status < 300) {
            return new Answer(Verdict.ACCEPTED, status, message, Optional.empty(), compact, ours);
        }
        if (status != 429 && status < 500) {
            return new Answer(Verdict.REFUSED, status, message, Optional.empty(), compact, ours);
        }
        Optional<Duration> retryAfter = response.headers().firstValue("Retry-After").flatMap(RetryPolicy::parseRetryAfter);
        return new Answer(Verdict.RETRY, status, message, retryAfter, compact, ours);
    }

    /** Whether a list of comma-separated tokens names the compact form. */
    static boolean readsCompact(List<String> formats) {
        for (String line : formats) {
            for (String token : line.split(",")) {
                if (token.trim().equalsIgnoreCase(WireFormat.COMPACT)) {
                    return true;
                }
            }
        }
        return false;
    }

    private HttpRequest request(byte[] body, String batchId, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "api-analytics-java")
                .header(IDEMPOTENCY_HEADER, batchId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        return request.build();
    }

    private static String readAbbreviated(InputStream body) {
        // the status line is what matters; read a little of the body for the log, never all of it
        try (InputStream in = body) {
            byte[] head = in.readNBytes(MAX_ERROR_BODY);
            String text = new String(head, StandardCharsets.UTF_8);
            return in.read() < 0 ? text : text + "...";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the HTTP client's thread, cutting short an exchange still in flight. */
    @Override
    public void close() {
        httpExecutor.shutdownNow();
    }
}
