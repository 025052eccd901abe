package dev.apianalytics.server.monitor;

import dev.apianalytics.server.net.PublicAddresses;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Pings one URL and never fails: every outcome, including timeouts, refused connections, unknown
 * hosts, TLS errors and targets that {@link PublicAddresses} refuses, becomes a {@link PingResult}
 * with a reason a person can act on.
 *
 * <p>Jetty's client asks {@link #resolve} for the addresses of each new connection: the name is
 * resolved once, every address is checked, and the connection goes to those very addresses while
 * the Host header and TLS server name stay the URL's name, so DNS rebinding cannot switch a
 * checked name to an internal address. Redirects are not followed: a 3xx is the URL's own answer
 * (up), and a public URL cannot steer a ping to another host.
 */
final class Pinger implements AutoCloseable {

    static final String USER_AGENT = "API-Analytics-Monitor/1.0 (+uptime check)";

    private final PublicAddresses addresses;
    private final HttpClient client;

    Pinger(PublicAddresses addresses) {
        this.addresses = addresses;
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("api-analytics-monitor-pings");
        threads.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("api-analytics-monitor-timeouts", true));
        client.setFollowRedirects(false);
        client.setConnectTimeout(MonitorSettings.MAX_TIMEOUT.toMillis());
        client.setIdleTimeout(MonitorSettings.MAX_TIMEOUT.toMillis());
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
            throw new IllegalStateException("the monitor's HTTP client did not start: " + e.getMessage(), e);
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

    /**
     * Sends the request asynchronously; the future always completes normally, at the latest
     * shortly after {@code timeout}, which bounds connecting and the whole exchange.
     */
    CompletableFuture<PingResult> ping(String url, String method, Duration timeout) {
        CompletableFuture<PingResult> result = new CompletableFuture<>();
        Request request;
        try {
            request = client.newRequest(URI.create(url))
                    .method(method)
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(headers -> headers.put(HttpHeader.CONNECTION, "close"));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new PingResult(0, 0, "invalid: " + e.getMessage()));
        }
        long start = System.nanoTime();
        // the request is committed once its headers are on the wire, over https after the handshake
        AtomicBoolean committed = new AtomicBoolean();
        request.onRequestCommit(sent -> committed.set(true));
        boolean https = "https".equalsIgnoreCase(request.getScheme());
        // the status is the answer: stop at the headers rather than read a body of any size
        request.onResponseHeaders(response -> {
            result.complete(new PingResult(response.getStatus(), millisSince(start), null));
            response.abort(new CancellationException("the ping has its answer"));
        });
        request.send(done -> {
            if (done.getFailure() != null) {
                String failure = describe(done.getFailure());
                if (https && !committed.get() && failure.startsWith("network")) {
                    // closed before the handshake finished: a port that does not speak TLS, whichever side noticed first
                    // (Jetty's detail here names its own connection objects, nothing a user can act on)
                    failure = "tls: the connection closed during the TLS handshake; does this port serve https?";
                }
                result.complete(new PingResult(0, millisSince(start), failure));
            } else {
                result.complete(new PingResult(done.getResponse().getStatus(), millisSince(start), null));
            }
        });
        // a backstop: the request's own timeout should always fire first
        return result.completeOnTimeout(new PingResult(0, timeout.toMillis(), "timeout: no answer within "
                + timeout.toMillis() + " ms"), timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000.0;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping: nothing left to do with a client that will not stop cleanly
        }
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
            if (t instanceof PublicAddresses.RefusedException) {
                return "blocked";
            }
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
            if (t instanceof java.net.SocketTimeoutException) {
                return "timeout";
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
