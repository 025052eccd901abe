package dev.apianalytics.server.monitor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Pings one URL with the JDK client and never fails: every outcome, including timeouts, refused
 * connections, unknown hosts and TLS errors, becomes a {@link PingResult} with a reason a person
 * can act on. Redirects are not followed, so a 3xx counts as the answer of the URL itself.
 */
final class Pinger {

    static final String USER_AGENT = "API-Analytics-Monitor/1.0 (+uptime check)";

    private final HttpClient client;

    /** {@code executor} runs the client's I/O and completions; its owner shuts it down. */
    Pinger(Executor executor) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(MonitorSettings.MAX_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /**
     * Sends the request asynchronously; the future always completes normally, at the latest
     * shortly after {@code timeout}.
     */
    CompletableFuture<PingResult> ping(String url, String method, Duration timeout) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url))
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .timeout(timeout)
                    .header("User-Agent", USER_AGENT)
                    .build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new PingResult(0, 0, "invalid: " + e.getMessage()));
        }
        long start = System.nanoTime();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                // a backstop: the request timeout may not cover every stage of connecting
                .orTimeout(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    double elapsedMs = (System.nanoTime() - start) / 1_000_000.0;
                    if (error == null) {
                        return new PingResult(response.statusCode(), elapsedMs, null);
                    }
                    return new PingResult(0, elapsedMs, describe(error));
                });
    }

    /** A short reason: the kind first (what a chart groups by), then the detail. */
    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String kind = kind(cause);
        String detail = detail(cause);
        return detail.isEmpty() ? kind : kind + ": " + detail;
    }

    private static String kind(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "timeout";
            }
            if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
                return "timeout";
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "dns";
            }
            if (t instanceof SSLException) {
                return "tls";
            }
            if (t instanceof ConnectException) {
                return t.getCause() instanceof UnresolvedAddressException ? "dns" : "refused";
            }
        }
        return error instanceof IOException ? "network" : "error";
    }

    private static String detail(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "the host name could not be resolved";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                String message = t.getMessage().strip();
                return message.length() > 200 ? message.substring(0, 200) : message;
            }
        }
        return error.getClass().getSimpleName();
    }
}
