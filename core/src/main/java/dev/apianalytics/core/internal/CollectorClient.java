package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Posts one encoded batch to the collector and tells what its answer means for the batch. */
final class CollectorClient implements AutoCloseable {

    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final int MAX_ERROR_BODY = 300;
    private static final Duration GRACE = Duration.ofSeconds(1);

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
        long start = System.nanoTime();
        AbbreviatedBody answerBody = new AbbreviatedBody();
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request(body, batchId, timeout), answerBody::arrived);
        String message;
        try {
            try {
                // Up to the headers the client's own connect and request timeouts end the exchange, with
                // the exception that tells a post that never connected (nothing stored) from one whose
                // answer was lost; the grace only guards against a timer that never fires.
                CompletableFuture.anyOf(answerBody.headers, exchange).get(timeout.toNanos() + GRACE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException failed) {
                // the exchange's own failure, which the get below throws
            }
            // the body within what is left of the timeout: a collector that stalls in it must not hold the uploader
            message = exchange.get(Math.max(0, timeout.toNanos() - (System.nanoTime() - start)), TimeUnit.NANOSECONDS).body();
        } catch (TimeoutException e) {
            exchange.cancel(true);
            if (!answerBody.headers.isDone()) {
                throw new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
            }
            // the status line and headers arrived and decide; only the body the log would quote is missing
            message = "";
        } catch (InterruptedException e) {
            exchange.cancel(true); // cancels the exchange, closing its connection
            throw e;
        } catch (ExecutionException e) {
            exchange.cancel(true);
            Throwable cause = e.getCause();
            if (cause instanceof IOException failure) {
                throw failure;
            }
            if (cause instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IOException(cause);
        }
        return answer(answerBody.headers.join(), message);
    }

    private static Answer answer(HttpResponse.ResponseInfo info, String message) {
        int status = info.statusCode();
        HttpHeaders headers = info.headers();
        List<String> formats = headers.allValues(WireFormat.FORMATS_HEADER);
        boolean compact = readsCompact(formats);
        boolean ours = !formats.isEmpty();
        if (status >= 200 && status < 300) {
            return new Answer(Verdict.ACCEPTED, status, message, Optional.empty(), compact, ours);
        }
        if (status != 429 && status < 500) {
            return new Answer(Verdict.REFUSED, status, message, Optional.empty(), compact, ours);
        }
        Optional<Duration> retryAfter = headers.firstValue("Retry-After").flatMap(RetryPolicy::parseRetryAfter);
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

    /**
     * The start of an answer's body, for the log: the status line is what matters, so it keeps
     * {@value #MAX_ERROR_BODY} bytes, marks a longer body with "..." and stops reading it there
     * (which closes the connection rather than draining a large body). A body that fails to
     * arrive reads as empty.
     */
    private static final class AbbreviatedBody implements HttpResponse.BodySubscriber<String> {

        /** The status line and headers, once they have arrived. */
        final CompletableFuture<HttpResponse.ResponseInfo> headers = new CompletableFuture<>();
        private final CompletableFuture<String> text = new CompletableFuture<>();
        private final byte[] head = new byte[MAX_ERROR_BODY];
        private int length;
        private Flow.Subscription subscription;

        /** The body handler: the answer's status and headers have arrived, and this reads its body. */
        HttpResponse.BodySubscriber<String> arrived(HttpResponse.ResponseInfo info) {
            headers.complete(info);
            return this;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), head.length - length);
                buffer.get(head, length, take);
                length += take;
                if (buffer.hasRemaining()) { // more than the head holds
                    subscription.cancel();
                    text.complete(decode(true) + "...");
                    return;
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            text.complete("");
        }

        @Override
        public void onComplete() {
            text.complete(decode(false));
        }

        /** The head as text; a cut one without the character the cut split, which would read as "\uFFFD". */
        private String decode(boolean cut) {
            CharBuffer text = CharBuffer.allocate(length);
            // a cut head is not the end of the input: the character whose bytes the cut split is left unread
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(head, 0, length), text, !cut);
            return text.flip().toString();
        }
    }

    /** Stops the HTTP client's thread, cutting short an exchange still in flight. */
    @Override
    public void close() {
        httpExecutor.shutdownNow();
    }
}
