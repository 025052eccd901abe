package dev.apianalytics.server.alert;

import dev.apianalytics.server.net.PublicAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Posts one alert and never fails: the future completes with the status, or 0 and the reason.
 * Connections go only to addresses {@link PublicAddresses} checked when the connection was made
 * (the name is resolved once and the connection goes to exactly those addresses, as the monitor's
 * pings do), redirects are not followed, and the answer's body is never read.
 */
final class WebhookSender implements AutoCloseable {

    static final String USER_AGENT = "API-Analytics-Alerts/1.0";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The outcome of one attempt: a 2xx status is delivered. */
    record Outcome(int status, String error) {
        boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    private final PublicAddresses addresses;
    private final HttpClient client;

    WebhookSender(PublicAddresses addresses) {
        this.addresses = addresses;
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("api-analytics-alert-sends");
        threads.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("api-analytics-alert-timeouts", true));
        client.setFollowRedirects(false);
        client.setConnectTimeout(TIMEOUT.toMillis());
        client.setIdleTimeout(TIMEOUT.toMillis());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        client.setSocketAddressResolver((host, port, context, promise) -> threads.execute(() -> {
            try {
                promise.succeeded(resolve(host, port));
            } catch (IOException | RuntimeException e) {
                promise.failed(e);
            }
        }));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the alerts' HTTP client did not start: " + e.getMessage(), e);
        }
    }

    private List<InetSocketAddress> resolve(String host, int port) throws IOException {
        String written = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        List<InetSocketAddress> checked = new ArrayList<>();
        for (InetAddress address : addresses.resolve(written, port)) {
            checked.add(new InetSocketAddress(address, port));
        }
        return checked;
    }

    /** Posts {@code json} to {@code url}; completes within {@link #TIMEOUT} and a second. */
    CompletableFuture<Outcome> post(String url, String json) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Request request;
        try {
            request = client.newRequest(URI.create(url))
                    .method("POST")
                    .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(headers -> headers.put(HttpHeader.CONNECTION, "close"))
                    .body(new StringRequestContent("application/json", json));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Outcome(0, "invalid: " + e.getMessage()));
        }
        // the status is the answer: stop at the headers rather than read a body of any size
        request.onResponseHeaders(response -> {
            result.complete(new Outcome(response.getStatus(), response.getStatus() / 100 == 2 ? null
                    : "HTTP " + response.getStatus()));
            response.abort(new CancellationException("the delivery has its answer"));
        });
        request.send(done -> {
            if (done.getResponse() != null && done.getResponse().getStatus() > 0) {
                int status = done.getResponse().getStatus();
                result.complete(new Outcome(status, status / 100 == 2 ? null : "HTTP " + status));
            } else {
                result.complete(new Outcome(0, describe(done.getFailure())));
            }
        });
        return result.completeOnTimeout(new Outcome(0, "timeout: no answer within " + TIMEOUT.toSeconds() + " s"),
                TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "no answer";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PublicAddresses.RefusedException) {
                return "blocked: " + t.getMessage();
            }
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage().strip();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping: nothing left to do with a client that will not stop cleanly
        }
    }
}
