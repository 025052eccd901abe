package dev.apianalytics.server.http;

import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The collector's HTTP server: Jetty (core, no servlets) in front of a {@link Router}, with the
 * limits a server facing strangers needs. Idle connections cost a selector key, not a thread;
 * a connection must send its request head within the header deadline, and a body must keep a
 * minimum pace; connections are bounded in total and per client address; request heads are
 * bounded in size; everything Jetty refuses by itself is answered in JSON. Stopping lets the
 * requests in flight finish, up to a deadline.
 */
public final class WebServer implements AutoCloseable {

    /** The limits; see {@code ServerConfig} for what each means and its default. */
    public record Limits(int threads, Duration headerTimeout, Duration idleTimeout, long minBodyBytesPerSecond,
            int maxConnections, int maxConnectionsPerAddress, int maxHeaderBytes, Duration stopTimeout) {}

    private final Server server;
    private final ServerConnector connector;
    private final GracefulHandler graceful;

    private WebServer(Server server, ServerConnector connector, GracefulHandler graceful) {
        this.server = server;
        this.connector = connector;
        this.graceful = graceful;
    }

    /**
     * Starts listening on {@code bind:port} (0 picks a free port).
     *
     * @throws IOException when the port cannot be bound
     */
    public static WebServer start(String bind, int port, Router router, Limits limits) throws IOException {
        // one acceptor and one selector serve every connection; the rest of the pool runs requests
        int acceptors = 1;
        int selectors = 1;
        QueuedThreadPool threads = new QueuedThreadPool(limits.threads() + acceptors + selectors, 2);
        threads.setName("api-analytics-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        // stopping stops accepting, gives idle connections a second to go, and waits this long for requests in flight
        server.setStopTimeout(limits.stopTimeout().toMillis());
        server.setErrorHandler(new JsonErrors());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        HeaderDeadline headerDeadline = new HeaderDeadline(limits.headerTimeout(), server.getScheduler());
        http.addCustomizer(headerDeadline);

        ServerConnector connector = new ServerConnector(server, acceptors, selectors, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptedTcpNoDelay(true);
        connector.addEventListener(new AddressLimit(limits.maxConnectionsPerAddress()));
        connector.addEventListener(headerDeadline);
        server.addConnector(connector);
        // past the limit Jetty stops accepting until a connection closes: the excess waits in the backlog
        server.addBean(new ConnectionLimit(limits.maxConnections(), server));

        BodyPace pace = new BodyPace(limits.minBodyBytesPerSecond(), limits.headerTimeout());
        GracefulHandler graceful = new GracefulHandler(new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                router.handle(request, response, callback, pace);
                return true;
            }
        });
        server.setHandler(graceful);
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("cannot start the HTTP server on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        return new WebServer(server, connector, graceful);
    }

    /** The port actually bound. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Requests being answered now. */
    public long inFlight() {
        return graceful.getCurrentRequestCount();
    }

    /**
     * Stops accepting connections, refuses new requests on open ones with 503, waits for the
     * requests in flight up to the stop timeout, then closes everything.
     */
    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            System.getLogger(WebServer.class.getName()).log(System.Logger.Level.WARNING,
                    "the HTTP server did not stop cleanly: " + e);
        }
    }
}
