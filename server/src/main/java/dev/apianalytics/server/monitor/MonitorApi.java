package dev.apianalytics.server.monitor;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.monitor.MonitorStore.Bucket;
import dev.apianalytics.server.monitor.MonitorStore.Monitor;
import dev.apianalytics.server.monitor.MonitorStore.Ping;
import dev.apianalytics.server.net.PublicAddresses;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON endpoints behind the monitoring page. */
final class MonitorApi {

    private static final long MAX_BODY = 16 * 1024;
    private static final int RECENT_FAILURES = 5;

    /** The windows the page shows, with the bucket size of each one's chart. */
    enum Window {
        H24("24h", 86_400L, 1_800L),
        D7("7d", 7 * 86_400L, 3 * 3_600L),
        D30("30d", 30 * 86_400L, 12 * 3_600L),
        D60("60d", 60 * 86_400L, 86_400L);

        final String name;
        final long seconds;
        final long bucketSeconds;

        Window(String name, long seconds, long bucketSeconds) {
            this.name = name;
            this.seconds = seconds;
            this.bucketSeconds = bucketSeconds;
        }

        static Window parse(String text) {
            if (text == null) {
                return H24;
            }
            for (Window window : values()) {
                if (window.name.equalsIgnoreCase(text)) {
                    return window;
                }
            }
            String shown = text.length() <= 40 ? text : text.substring(0, 40) + "...";
            throw ApiException.badRequest("period '" + shown + "' is not one of 24h, 7d, 30d, 60d");
        }
    }

    record LastPing(String at, int status, double responseTimeMs, boolean up, String failure) {}

    record WindowView(long pings, long up, Double uptime, Double meanResponseTimeMs) {}

    record BucketView(long t, long pings, long up, Double meanResponseTimeMs) {}

    record FailureView(String at, int status, String failure) {}

    record MonitorView(long id, String url, String method, int intervalSeconds, double timeoutSeconds, String createdAt,
            LastPing lastPing,
            Map<String, WindowView> windows, List<BucketView> series, List<FailureView> recentFailures) {}

    record MonitorList(int limit, long minIntervalSeconds, long defaultTimeoutSeconds, long maxTimeoutSeconds, String period,
            List<MonitorView> monitors) {}

    private final MonitorStore store;
    private final MonitorSettings settings;
    private final Clock clock;
    private final PublicAddresses addresses;

    MonitorApi(MonitorStore store, MonitorSettings settings, Clock clock, PublicAddresses addresses) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.addresses = addresses;
    }

    void list(Exchange exchange, long keyId) throws Exception {
        Window period = Window.parse(exchange.queryParameter("period"));
        exchange.setHeader("Cache-Control", "no-store");
        exchange.sendJson(200, view(keyId, period));
    }

    MonitorList view(long keyId, Window period) {
        Instant now = clock.instant();
        try {
            List<Monitor> monitors = store.list(keyId);
            // the last ping first: a ping landing between the queries then shows in the uptime
            // figures too, never as a "down" badge beside an uptime that has not counted it
            Map<Long, List<Ping>> last = monitors.isEmpty() ? Map.of()
                    : store.latest(keyId, now.minusSeconds(Window.D60.seconds), 1, false);
            Map<String, Map<Long, MonitorStore.Window>> windows = new LinkedHashMap<>();
            for (Window window : Window.values()) {
                windows.put(window.name, monitors.isEmpty() ? Map.of() : store.window(keyId, now.minusSeconds(window.seconds)));
            }
            Instant from = now.minusSeconds(period.seconds);
            Map<Long, List<Bucket>> series = monitors.isEmpty() ? Map.of() : store.series(keyId, from, period.bucketSeconds);
            Map<Long, List<Ping>> failures = monitors.isEmpty() ? Map.of()
                    : store.latest(keyId, from, RECENT_FAILURES, true);
            List<MonitorView> views = new ArrayList<>();
            for (Monitor monitor : monitors) {
                Map<String, WindowView> windowViews = new LinkedHashMap<>();
                windows.forEach((name, byMonitor) -> {
                    MonitorStore.Window w = byMonitor.get(monitor.id());
                    windowViews.put(name, w == null ? new WindowView(0, 0, null, null)
                            : new WindowView(w.pings(), w.up(), w.pings() == 0 ? null : (double) w.up() / w.pings(),
                                    w.meanResponseTimeMs()));
                });
                List<Ping> latest = last.getOrDefault(monitor.id(), List.of());
                LastPing lastPing = latest.isEmpty() ? null : lastPing(latest.get(0));
                views.add(new MonitorView(monitor.id(), monitor.url(), monitor.method(), monitor.intervalSeconds(),
                        monitor.timeoutMs() / 1000.0, monitor.createdAt().toString(), lastPing, windowViews,
                        buckets(series.getOrDefault(monitor.id(), List.of()), from, now, period.bucketSeconds),
                        failures.getOrDefault(monitor.id(), List.of()).stream()
                                .map(p -> new FailureView(p.at().toString(), p.status(), p.failure() != null ? p.failure()
                                        : "HTTP " + p.status()))
                                .toList()));
            }
            return new MonitorList(settings.maxUrlsPerKey(), settings.minInterval().toSeconds(),
                    settings.timeout().toSeconds(), MonitorSettings.MAX_TIMEOUT.toSeconds(), period.name, views);
        } catch (SQLException e) {
            throw new StorageUnavailable("reading monitors failed: " + e.getMessage(), e);
        }
    }

    void create(Exchange exchange, long keyId) throws Exception {
        JsonObject body = parseObject(exchange.readBody(MAX_BODY, MAX_BODY));
        String url = MonitorExtension.validateUrl(string(body, "url"), addresses).toString();
        String method = string(body, "method");
        method = method == null ? "HEAD" : method.strip().toUpperCase(Locale.ROOT);
        if (!method.equals("HEAD") && !method.equals("GET")) {
            throw ApiException.badRequest("method must be HEAD or GET, not '" + method + "'");
        }
        int interval = interval(body);
        int timeoutMs = timeoutMs(body);
        if (settings.maxUrlsPerKey() == 0) {
            throw ApiException.badRequest("monitoring is turned off on this collector (--monitor-max-urls 0)");
        }
        try {
            List<Monitor> existing = store.list(keyId);
            if (existing.size() >= settings.maxUrlsPerKey()) {
                throw ApiException.badRequest("this key already monitors " + existing.size() + " URLs, the most allowed; "
                        + "remove one first");
            }
            for (Monitor monitor : existing) {
                if (monitor.url().equals(url) && monitor.method().equals(method)) {
                    throw ApiException.badRequest(method + " " + url + " is already monitored");
                }
            }
            Monitor monitor = store.create(keyId, url, method, interval, timeoutMs, clock.instant());
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("id", monitor.id());
            created.put("url", monitor.url());
            created.put("method", monitor.method());
            created.put("intervalSeconds", monitor.intervalSeconds());
            created.put("timeoutSeconds", monitor.timeoutMs() / 1000.0);
            created.put("createdAt", monitor.createdAt().toString());
            exchange.sendJson(201, created);
        } catch (SQLException e) {
            throw new StorageUnavailable("creating a monitor failed: " + e.getMessage(), e);
        }
    }

    void delete(Exchange exchange, long keyId) throws Exception {
        String id = exchange.pathParameter("id");
        long monitorId;
        try {
            monitorId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("monitor id '" + (id.length() <= 40 ? id : id.substring(0, 40) + "...")
                    + "' is not a number");
        }
        try {
            if (!store.delete(keyId, monitorId)) {
                throw new ApiException(404, "no monitor " + monitorId + " for this key");
            }
        } catch (SQLException e) {
            throw new StorageUnavailable("deleting a monitor failed: " + e.getMessage(), e);
        }
        exchange.send(204, "application/json", new byte[0]);
    }

    private int interval(JsonObject body) {
        JsonElement value = body.get("intervalSeconds");
        long min = settings.minInterval().toSeconds();
        long max = MonitorSettings.MAX_INTERVAL.toSeconds();
        if (value == null || value.isJsonNull()) {
            return (int) Math.max(min, 300);
        }
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isNumber()) {
            throw ApiException.badRequest("intervalSeconds must be a number of seconds");
        }
        double seconds = primitive.getAsDouble();
        if (seconds != Math.rint(seconds) || seconds < min || seconds > max) {
            throw ApiException.badRequest("intervalSeconds must be a whole number from " + min + " to " + max + ", not "
                    + primitive.getAsString());
        }
        return (int) seconds;
    }

    private int timeoutMs(JsonObject body) {
        JsonElement value = body.get("timeoutSeconds");
        if (value == null || value.isJsonNull()) {
            return (int) settings.timeout().toMillis();
        }
        long max = MonitorSettings.MAX_TIMEOUT.toSeconds();
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isNumber()) {
            throw ApiException.badRequest("timeoutSeconds must be a number of seconds");
        }
        double seconds = primitive.getAsDouble();
        if (!(seconds >= 1 && seconds <= max)) {
            throw ApiException.badRequest("timeoutSeconds must be from 1 to " + max + ", not " + primitive.getAsString());
        }
        return (int) Math.round(seconds * 1000);
    }

    private static LastPing lastPing(Ping ping) {
        return new LastPing(ping.at().toString(), ping.status(), ping.responseTimeMs(), ping.up(), ping.failure());
    }

    /** Every bucket of the period, empty ones included, so the page draws gaps as gaps. */
    private static List<BucketView> buckets(List<Bucket> stored, Instant from, Instant to, long bucketSeconds) {
        Map<Long, Bucket> byIndex = new HashMap<>();
        for (Bucket bucket : stored) {
            byIndex.put(bucket.index(), bucket);
        }
        List<BucketView> views = new ArrayList<>();
        long first = Math.floorDiv(from.getEpochSecond(), bucketSeconds);
        long last = Math.floorDiv(to.getEpochSecond(), bucketSeconds);
        for (long i = first; i <= last; i++) {
            Bucket bucket = byIndex.get(i);
            views.add(bucket == null ? new BucketView(i * bucketSeconds * 1000, 0, 0, null)
                    : new BucketView(i * bucketSeconds * 1000, bucket.pings(), bucket.up(), bucket.meanResponseTimeMs()));
        }
        return views;
    }

    private static JsonObject parseObject(byte[] body) {
        try {
            JsonElement element = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!element.isJsonObject()) {
                throw ApiException.badRequest("the body must be a JSON object such as "
                        + "{\"url\":\"https://api.example.com/health\",\"method\":\"HEAD\",\"intervalSeconds\":300}");
            }
            return element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
    }

    private static String string(JsonObject body, String name) {
        JsonElement value = body.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isString()) {
            throw ApiException.badRequest(name + " must be a string");
        }
        return primitive.getAsString();
    }
}
