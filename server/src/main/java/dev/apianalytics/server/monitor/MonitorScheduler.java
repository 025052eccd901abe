package dev.apianalytics.server.monitor;

import dev.apianalytics.server.metrics.CollectorMetrics;
import dev.apianalytics.server.monitor.MonitorStore.Monitor;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Pings due monitors. Each {@link #tick()} reads what is due, claims each monitor (moving its
 * next ping one interval ahead, an atomic update that only one collector sharing the database
 * wins) and sends the pings asynchronously; results are stored when they arrive. At most
 * {@link #MAX_IN_FLIGHT} pings are outstanding, and at most {@link #MAX_IN_FLIGHT_PER_KEY} of one
 * key's: a key whose URLs hang holds its own slots only, and another key's pings go out on time.
 */
final class MonitorScheduler {

    private static final System.Logger LOG = System.getLogger(MonitorScheduler.class.getName());
    static final int MAX_IN_FLIGHT = 64;
    static final int MAX_IN_FLIGHT_PER_KEY = 2;
    private static final Duration EXPIRY_EVERY = Duration.ofHours(1);

    private final MonitorStore store;
    private final Pinger pinger;
    private final Clock clock;
    private final Duration retention;
    private final Executor recorder;
    private final CollectorMetrics metrics;
    private final MonitorExtension.PingListener listener;
    /** Pings in flight by key; guarded by {@code this}. */
    private final Map<Long, Integer> inFlight = new HashMap<>();
    private int inFlightTotal;
    private Instant lastExpiry;

    /** {@code recorder} stores results: off the HTTP client's threads, which must never wait on the database. */
    /** {@code listener} hears of each stored ping, on the recorder's thread. */
    MonitorScheduler(MonitorStore store, Pinger pinger, Clock clock, Duration retention, Executor recorder,
            CollectorMetrics metrics, MonitorExtension.PingListener listener) {
        this.metrics = metrics;
        this.store = store;
        this.pinger = pinger;
        this.clock = clock;
        this.retention = retention;
        this.recorder = recorder;
        this.listener = listener;
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
        int free;
        Set<Long> busyKeys = new HashSet<>();
        synchronized (this) {
            free = MAX_IN_FLIGHT - inFlightTotal;
            inFlight.forEach((key, count) -> {
                if (count >= MAX_IN_FLIGHT_PER_KEY) {
                    busyKeys.add(key);
                }
            });
        }
        if (free <= 0) {
            return 0;
        }
        int started = 0;
        // busy keys are left out in the query, so their due URLs cannot fill the page of due ones
        for (Monitor monitor : store.due(now, free, MAX_IN_FLIGHT_PER_KEY, busyKeys)) {
            if (!acquire(monitor.keyId())) {
                continue; // still due: picked up by a later tick
            }
            boolean claimed;
            try {
                claimed = store.claim(monitor, next(monitor, now));
            } catch (SQLException | RuntimeException e) {
                release(monitor.keyId());
                throw e;
            }
            if (!claimed) {
                release(monitor.keyId());
                continue;
            }
            started++;
            Instant sentAt = clock.instant();
            pinger.ping(monitor.url(), monitor.method(), Duration.ofMillis(monitor.timeoutMs())).whenCompleteAsync((result, error) -> {
                try {
                    store.record(monitor, sentAt, result);
                    metrics.pinged(result.up(), result.status());
                    listener.pinged(monitor.keyId(), monitor.id());
                } catch (SQLException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not store a ping of monitor " + monitor.id() + ": " + e.getMessage());
                } finally {
                    release(monitor.keyId());
                }
            }, recorder);
        }
        return started;
    }

    private synchronized boolean acquire(long keyId) {
        int count = inFlight.getOrDefault(keyId, 0);
        if (inFlightTotal >= MAX_IN_FLIGHT || count >= MAX_IN_FLIGHT_PER_KEY) {
            return false;
        }
        inFlight.put(keyId, count + 1);
        inFlightTotal++;
        return true;
    }

    private synchronized void release(long keyId) {
        inFlight.computeIfPresent(keyId, (key, count) -> count > 1 ? count - 1 : null);
        inFlightTotal--;
    }

    /** The next due time: one interval on, or from now when the collector was down for longer. */
    static Instant next(Monitor monitor, Instant now) {
        Instant next = monitor.nextPingAt().plusSeconds(monitor.intervalSeconds());
        return next.isAfter(now) ? next : now.plusSeconds(monitor.intervalSeconds());
    }
}
