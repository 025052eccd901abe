package dev.apianalytics.server.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;

/**
 * At most {@code max} open connections from one client address: a connection past that is
 * closed as soon as it opens, before it is read, so one client cannot take every connection
 * slot while the others keep theirs. The address is the TCP peer's (a reverse proxy's, when
 * behind one).
 */
final class AddressLimit implements Connection.Listener {

    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** Each connection's address as it opened: a closed socket no longer knows its peer. */
    private final Map<Connection, InetAddress> addresses = new ConcurrentHashMap<>();

    AddressLimit(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress socket
                ? socket.getAddress() : null;
        if (address == null) {
            return;
        }
        addresses.put(connection, address);
        if (open.merge(address, 1, Integer::sum) > max) {
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = addresses.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1);
        }
    }
}
