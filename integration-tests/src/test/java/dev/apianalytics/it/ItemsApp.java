package dev.apianalytics.it;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.javalin.ApiAnalyticsPlugin;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.OutputStream;
import org.eclipse.jetty.http.UriCompliance;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Javalin 7 API, with or without the analytics plugin: {@code GET /items/{id}}
 * answers {@code item <id>}, {@code GET /stream/{id}} streams {@link #STREAM_BYTES} bytes.
 * The app's own request logger remembers the {@code X-Request-Id} of every request that
 * reached Javalin, so a test knows which requests analytics must have recorded.
 */
final class ItemsApp implements ItemsServer {

    static final int STREAM_BYTES = 32 * 1024 * 1024;
    static final int STREAM_CHUNK = 64 * 1024;
    /** Large enough for the 16 KB header the hostile-request tests send (Jetty's default is 8 KB). */
    static final int REQUEST_HEADER_BYTES = 64 * 1024;

    private final Javalin javalin;
    private final ApiAnalyticsPlugin plugin;
    private final Set<String> seenRequestIds;
    private final AtomicLong logged;

    private ItemsApp(Javalin javalin, ApiAnalyticsPlugin plugin, Set<String> seenRequestIds, AtomicLong logged) {
        this.javalin = javalin;
        this.plugin = plugin;
        this.seenRequestIds = seenRequestIds;
        this.logged = logged;
    }

    /** Starts the app on a free loopback port; {@code config == null} starts it without analytics. */
    static ItemsApp start(Config config) {
        return start(config, false);
    }

    /**
     * As {@link #start(Config)}; with {@code lenientUris} Jetty passes broken percent-escapes and
     * non-UTF-8 paths on to the app (by default it answers 400 itself, before any handler runs).
     */
    static ItemsApp start(Config config, boolean lenientUris) {
        LogCapture.install();
        ApiAnalyticsPlugin plugin = config == null ? null : new ApiAnalyticsPlugin(config);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicLong logged = new AtomicLong();
        Javalin javalin = Javalin.start(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(REQUEST_HEADER_BYTES);
                if (lenientUris) {
                    http.setUriCompliance(UriCompliance.UNSAFE);
                }
            });
            if (plugin != null) {
                cfg.registerPlugin(plugin);
            }
            cfg.requestLogger.http((ctx, millis) -> {
                logged.incrementAndGet();
                String id = ctx.header("X-Request-Id");
                if (id != null) {
                    seen.add(id);
                }
            });
            cfg.routes.get("/items/{id}", ctx -> ctx.result("item " + ctx.pathParam("id")));
            cfg.routes.get("/stream/{id}", ItemsApp::stream);
        });
        return new ItemsApp(javalin, plugin, seen, logged);
    }

    String url() {
        return "http://127.0.0.1:" + javalin.port();
    }

    @Override
    public int port() {
        return javalin.port();
    }

    /** The {@code X-Request-Id}s of the requests that reached Javalin's request loggers. */
    @Override
    public Set<String> seenRequestIds() {
        return Set.copyOf(seenRequestIds);
    }

    /** How many requests reached Javalin's request loggers, where the plugin records them too. */
    long loggedRequests() {
        return logged.get();
    }

    /** The plugin's running {@link ApiAnalytics}, for its counters. */
    ApiAnalytics analytics() {
        return plugin.analytics();
    }

    @Override
    public void stop() {
        javalin.stop();
    }

    static byte streamByte(long offset) {
        return (byte) offset;
    }

    private static void stream(Context ctx) throws Exception {
        ctx.contentType("application/octet-stream");
        byte[] chunk = new byte[STREAM_CHUNK];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = streamByte(i);
        }
        // STREAM_CHUNK is a multiple of 256, so every chunk continues the pattern
        OutputStream out = ctx.outputStream();
        for (int sent = 0; sent < STREAM_BYTES; sent += chunk.length) {
            out.write(chunk);
            out.flush();
        }
    }
}
