package dev.apianalytics.server.monitor;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.storage.Migration;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Uptime monitoring: a key registers up to {@link MonitorSettings#maxUrlsPerKey()} URLs that the
 * collector pings on schedule ({@code /api/monitors}), and reads their uptime and response times.
 */
public final class MonitorExtension implements ServerExtension {

    /** Null: taken from the server's configuration at install. */
    private final MonitorSettings settings;
    private volatile ExecutorService pingThreads;

    /** Monitoring with the collector's {@code --monitor-*} settings ({@link MonitorSettings#from}). */
    public MonitorExtension() {
        this.settings = null;
    }

    public MonitorExtension(MonitorSettings settings) {
        this.settings = settings;
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
        MonitorApi api = new MonitorApi(store, settings, context.clock());
        router.get("/api/monitors", exchange -> api.list(exchange, context.keys().authenticate(exchange)));
        router.post("/api/monitors", exchange -> api.create(exchange, context.keys().authenticate(exchange)));
        router.delete("/api/monitors/{id}", exchange -> api.delete(exchange, context.keys().authenticate(exchange)));

        pingThreads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "api-analytics-monitor-pings");
            thread.setDaemon(true);
            return thread;
        });
        MonitorScheduler scheduler = new MonitorScheduler(store, new Pinger(pingThreads), context.clock(),
                settings.retention(), context.metrics());
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
        ExecutorService threads = pingThreads;
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    /** Rejects anything but a plain http(s) URL, with a message naming the problem. */
    static String validateUrl(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("url is required, such as https://api.example.com/health");
        }
        String url = text.strip();
        if (url.length() > 2048) {
            throw ApiException.badRequest("url is longer than 2048 characters");
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw ApiException.badRequest("url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("url must start with http:// or https://, not '"
                    + (uri.getScheme() == null ? url : uri.getScheme() + ":") + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ApiException.badRequest("url has no host name: " + url);
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.badRequest("url must not contain a user name or password");
        }
        return url;
    }
}
