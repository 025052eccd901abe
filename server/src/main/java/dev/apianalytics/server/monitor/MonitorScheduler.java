package dev.apianalytics.server.monitor;

import dev.apianalytics.server.metrics.CollectorMetrics;
import dev.apianalytics.server.monitor.MonitorStore.Monitor;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * Pings due monitors. Each {@link #tick()} reads what is due, claims each monitor (moving its
 * next ping one interval ahead) and sends the pings asynchronously; results are stored when they
 * arrive. At most {@link #MAX_IN_FLIGHT} pings are outstanding, so a burst of slow URLs cannot
 * pile up threads or sockets.
 */
final class MonitorScheduler {

    private static final System.Logger LOG = System.getLogger(MonitorScheduler.class.getName());
    static final int MAX_IN_FLIGHT = 64;
    private static final Duration EXPIRY_EVERY = Duration.ofHours(1);

    private final MonitorStore store;
    private final Pinger pinger;
    private final Clock clock;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final Duration retention;
    private final CollectorMetrics metrics;
    private Instant lastExpiry;

    MonitorScheduler(MonitorStore store, Pinger pinger, Clock clock, Duration retention, CollectorMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.pinger = pinger;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * Starts the pings that are due now and, once an hour by the server's clock, deletes pings
     * older than the retention period; returns how many pings started.
     */
    int tick() throws SQLException {
        Instant now = clock.instant();
        if (lastExpiry == null || !now.isBefore(lastExpiry.plus(EXPIRY_EVERY))) {
            lastExpiry = now;
            long deleted = store.deletePingsBefore(now.minus(retention)) + store.deleteOrphans();
            if (deleted > 0) {
                LOG.log(System.Logger.Level.INFO, "deleted " + deleted + " monitor pings older than " + retention.toDays() + " days");
            }
        }
        int started = 0;
        for (Monitor monitor : store.due(now, MAX_IN_FLIGHT)) {
            if (!inFlight.tryAcquire()) {
                break; // still due: picked up by a later tick
            }
            boolean claimed;
            try {
                claimed = store.claim(monitor, next(monitor, now));
            } catch (SQLException | RuntimeException e) {
                inFlight.release();
                throw e;
            }
            if (!claimed) {
                inFlight.release();
                continue;
            }
            started++;
            Instant sentAt = clock.instant();
            pinger.ping(monitor.url(), monitor.method(), Duration.ofMillis(monitor.timeoutMs())).whenComplete((result, error) -> {
                try {
                    store.record(monitor, sentAt, result);
                    metrics.pinged(result.up(), result.status());
                } catch (SQLException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not store a ping of monitor " + monitor.id() + ": " + e.getMessage());
                } finally {
                    inFlight.release();
                }
            });
        }
        return started;
    }

    /** The next due time: one interval on, or from now when the collector was down for longer. */
    static Instant next(Monitor monitor, Instant now) {
        Instant next = monitor.nextPingAt().plusSeconds(monitor.intervalSeconds());
        return next.isAfter(now) ? next : now.plusSeconds(monitor.intervalSeconds());
    }
}
