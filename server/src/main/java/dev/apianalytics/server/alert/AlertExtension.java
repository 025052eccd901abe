package dev.apianalytics.server.alert;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.monitor.MonitorExtension;
import dev.apianalytics.server.net.PublicAddresses;
import dev.apianalytics.server.storage.Migration;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Alerts: per key, webhook destinations ({@code /api/alerts/destinations}) and rules
 * ({@code /api/alerts/rules}): a monitor down after N failed pings in a row and up again, the
 * 5xx share over 5 minutes and the p95 response time over 15 minutes above a threshold. Each
 * ping is evaluated as soon as it is stored; traffic rules every {@link #TRAFFIC_EVERY}. All of
 * it runs on one small thread with a bounded queue: news that does not fit is dropped and the
 * periodic sweep decides instead, so neither pings nor ingestion ever wait on alerts.
 */
public final class AlertExtension implements ServerExtension {

    /**
     * Failed pings in a row before a monitor is down, unless the key sets its own: one failure is
     * often a blip (a deploy, a lost packet), three rule out a single timeout yet still tell within
     * three intervals (three minutes at one-minute pings).
     */
    static final int DEFAULT_DOWN_AFTER = 3;
    static final Duration TRAFFIC_EVERY = Duration.ofSeconds(30);
    static final Duration DELIVERY_TICK = Duration.ofMillis(500);
    static final Duration KEEP_DELIVERIES = Duration.ofDays(30);
    private static final System.Logger LOG = System.getLogger(AlertExtension.class.getName());

    private final ThreadPoolExecutor work = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(256), runnable -> {
                Thread thread = new Thread(runnable, "api-analytics-alerts");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());
    /** Stores delivery outcomes; never more than the sends in flight are waiting, so the queue cannot overflow. */
    private final ThreadPoolExecutor recorder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(DeliveryWorker.MAX_IN_FLIGHT), runnable -> {
                Thread thread = new Thread(runnable, "api-analytics-alert-outcomes");
                thread.setDaemon(true);
                return thread;
            });
    private volatile Evaluator evaluator;
    private volatile WebhookSender sender;

    /** Alerts on the pings of {@code monitors}, which tells this extension of each one. */
    public AlertExtension(MonitorExtension monitors) {
        monitors.listen((keyId, monitorId) -> work.execute(() -> evaluate(keyId, monitorId)));
    }

    @Override
    public List<Migration> migrations() {
        return AlertStore.migrations();
    }

    @Override
    public List<String> keyOwnedTables() {
        return AlertStore.KEY_OWNED_TABLES;
    }

    @Override
    public void install(Router router, ServerContext context) {
        AlertStore store = new AlertStore(context.storage());
        PublicAddresses addresses = new PublicAddresses(context.config().monitorAllowPrivate(),
                PublicAddresses.Resolver.system(), context.config().port(), "--monitor-allow-private");
        AlertApi api = new AlertApi(store, context.clock(), addresses, context.config().alertMaxDestinations(),
                DEFAULT_DOWN_AFTER);
        router.get("/api/alerts", exchange -> api.list(exchange, context.keys().authenticate(exchange)));
        router.post("/api/alerts/destinations", exchange -> api.addDestination(exchange, context.keys().authenticate(exchange)));
        router.delete("/api/alerts/destinations/{id}",
                exchange -> api.deleteDestination(exchange, context.keys().authenticate(exchange)));
        router.post("/api/alerts/rules", exchange -> api.setRules(exchange, context.keys().authenticate(exchange)));

        evaluator = new Evaluator(store, context.clock(), DEFAULT_DOWN_AFTER);
        sender = new WebhookSender(addresses);
        DeliveryWorker deliveries = new DeliveryWorker(store, sender, context.clock(), recorder);
        context.every(DELIVERY_TICK, DELIVERY_TICK, "alert deliveries", () -> work.execute(() -> {
            try {
                deliveries.tick();
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "sending alerts failed; trying again shortly: " + e.getMessage());
            }
        }));
        context.every(TRAFFIC_EVERY, Duration.ofSeconds(5), "alert rules", () -> work.execute(() -> {
            try {
                sweep(store, context.clock().instant());
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "evaluating alert rules failed; trying again in " + TRAFFIC_EVERY
                        + ": " + e.getMessage());
            }
        }));
    }

    /** Every rule of every key with a destination: catches up on pings whose news was dropped, and reads traffic. */
    private void sweep(AlertStore store, Instant now) throws SQLException {
        for (long[] monitor : store.monitorsWithDestinations()) {
            evaluator.monitor(monitor[0], monitor[1]);
        }
        for (long keyId : store.keysWithTrafficRules()) {
            evaluator.traffic(keyId);
        }
        store.deleteBefore(now.minus(KEEP_DELIVERIES));
    }

    private void evaluate(long keyId, long monitorId) {
        Evaluator current = evaluator;
        if (current == null) {
            return;
        }
        try {
            current.monitor(keyId, monitorId);
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "evaluating monitor " + monitorId + " for alerts failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        work.shutdownNow();
        recorder.shutdownNow();
        WebhookSender client = sender;
        if (client != null) {
            client.close();
        }
    }
}
