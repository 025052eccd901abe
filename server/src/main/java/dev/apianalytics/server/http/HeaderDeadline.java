package dev.apianalytics.server.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that has not sent a complete request head within a deadline, counted
 * from when it opened or its previous answer ended. An idle timeout alone restarts with every
 * byte, so a client sending one byte every few seconds would keep a connection forever; this
 * deadline does not move. Jetty calls it as a connection listener (open, close) and as a
 * request customizer (a head is complete).
 */
final class HeaderDeadline implements Connection.Listener, HttpConfiguration.Customizer {

    private final long timeoutMillis;
    private final Scheduler scheduler;
    private final Map<Connection, Watch> watches = new ConcurrentHashMap<>();

    HeaderDeadline(Duration timeout, Scheduler scheduler) {
        this.timeoutMillis = timeout.toMillis();
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        if (!connection.getEndPoint().isOpen()) {
            return; // refused by another listener already
        }
        Watch watch = new Watch(connection);
        watches.put(connection, watch);
        watch.awaitHead();
    }

    @Override
    public void onClosed(Connection connection) {
        Watch watch = watches.remove(connection);
        if (watch != null) {
            watch.cancel();
        }
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        Watch watch = watches.get(request.getConnectionMetaData().getConnection());
        if (watch != null) {
            watch.cancel();
            Request.addCompletionListener(request, failure -> watch.awaitHead());
        }
        return request;
    }

    private final class Watch {
        private final Connection connection;
        private Scheduler.Task task;

        Watch(Connection connection) {
            this.connection = connection;
        }

        synchronized void awaitHead() {
            if (watches.containsKey(connection)) {
                task = scheduler.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }

        synchronized void cancel() {
            if (task != null) {
                task.cancel();
                task = null;
            }
        }

        private synchronized void expire() {
            if (task != null) {
                task = null;
                watches.remove(connection);
                connection.getEndPoint().close();
            }
        }
    }
}
