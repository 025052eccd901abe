package dev.apianalytics.server.monitor;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.net.PublicAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Uptime monitoring: a key registers up to {@link MonitorSettings#maxUrlsPerKey()} URLs that the
 * collector pings on schedule ({@code /api/monitors}), and reads their uptime and response times.
 */
public final class MonitorExtension implements ServerExtension {

    static final String ALLOW_PRIVATE_FLAG = "--monitor-allow-private";

    /** Told of every stored ping; it must return at once (alerts hand the news to their own queue). */
    @FunctionalInterface
    public interface PingListener {
        void pinged(long keyId, long monitorId);
    }

    /** Null: taken from the server's configuration at install. */
    private final MonitorSettings settings;
    private volatile Pinger pinger;
    private volatile PingListener listener = (keyId, monitorId) -> {};

    /** Monitoring with the collector's {@code --monitor-*} settings ({@link MonitorSettings#from}). */
    public MonitorExtension() {
        this.settings = null;
    }

    public MonitorExtension(MonitorSettings settings) {
        this.settings = settings;
    }

    /** Sets who hears of each stored ping; call before the server starts. */
    public void listen(PingListener listener) {
        this.listener = listener;
    }

    @Override
    public List<Migration> migrations() {
        return MonitorStore.migrations();
    }

    @Override
    public List<String> keyOwnedTables() {
        return MonitorStore.KEY_OWNED_TABLES;
    }

    @Override
    public void install(Router router, ServerContext context) {
        MonitorSettings settings = this.settings != null ? this.settings : MonitorSettings.from(context.config());
        MonitorStore store = new MonitorStore(context.storage());
        PublicAddresses addresses = new PublicAddresses(settings.allowPrivate(), PublicAddresses.Resolver.system(),
                context.config().port(), ALLOW_PRIVATE_FLAG);
        MonitorApi api = new MonitorApi(store, settings, context.clock(), addresses);
        router.get("/api/monitors", exchange -> api.list(exchange, context.keys().authenticateReader(exchange)));
        router.post("/api/monitors", exchange -> api.create(exchange, context.keys().authenticate(exchange)));
        router.delete("/api/monitors/{id}", exchange -> api.delete(exchange, context.keys().authenticate(exchange)));

        pinger = new Pinger(addresses);
        MonitorScheduler scheduler = new MonitorScheduler(store, pinger, context.clock(), settings.retention(),
                context.scheduler(), context.metrics(), (keyId, monitorId) -> listener.pinged(keyId, monitorId));
        context.every(settings.tick(), settings.tick(), "monitor pings", () -> {
            try {
                scheduler.tick();
            } catch (SQLException e) {
                throw new StorageUnavailable("monitor scheduling failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        Pinger client = pinger;
        if (client != null) {
            client.close();
        }
    }

    /**
     * Rejects anything but a plain http(s) URL to a host that {@code addresses} allows, with a
     * message naming the problem.
     */
    public static URI validateUrl(String text, PublicAddresses addresses) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("url is required, such as https://api.example.com/health");
        }
        String url = text.strip();
        if (url.length() > 2048) {
            throw ApiException.badRequest("url is longer than 2048 characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("url must start with http:// or https://, not '"
                    + (uri.getScheme() == null ? url : uri.getScheme() + ":") + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            throw ApiException.badRequest("url must not contain a user name or password");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            String authority = uri.getRawAuthority();
            if (authority == null || authority.isEmpty()) {
                throw ApiException.badRequest("url has no host name: " + url);
            }
            // not a host name java.net.URI accepts, yet other clients read some of these as addresses (127.1)
            String host = authority.replaceFirst(":[0-9]*$", "");
            String why = addresses.refusal(host, port);
            throw ApiException.badRequest(why != null ? "url is not allowed: " + why : "url has no valid host name: " + url);
        }
        String why = addresses.refusal(uri.getHost(), port);
        if (why != null) {
            throw ApiException.badRequest("url is not allowed: " + why);
        }
        return uri;
    }
}
