package dev.apianalytics.server.monitor;

import dev.apianalytics.server.ServerConfig;
import java.time.Duration;

/**
 * Monitoring limits and timings.
 *
 * @param maxUrlsPerKey how many URLs one key may monitor (default 10)
 * @param minInterval the shortest interval a URL may be pinged at (default 30 seconds)
 * @param timeout how long a ping waits for connect and response headers unless the monitor sets its own
 *     (default 10 seconds); a monitor may choose from 1 second to {@link #MAX_TIMEOUT}
 * @param tick how often the scheduler looks for URLs that are due (default 1 second: one small indexed query)
 * @param retention how long pings are kept (default 60 days, the longest window the page shows)
 * @param allowPrivate whether loopback, private and link-local targets may be monitored (default
 *     false: {@code --monitor-allow-private} turns it on for monitoring a LAN)
 */
public record MonitorSettings(int maxUrlsPerKey, Duration minInterval, Duration timeout, Duration tick, Duration retention,
        boolean allowPrivate) {

    public static final int DEFAULT_MAX_URLS = ServerConfig.DEFAULT_MONITOR_MAX_URLS;
    public static final Duration DEFAULT_MIN_INTERVAL = ServerConfig.DEFAULT_MONITOR_MIN_INTERVAL;
    public static final Duration DEFAULT_TIMEOUT = ServerConfig.DEFAULT_MONITOR_TIMEOUT;
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(60);
    /** The longest timeout a monitor may ask for. */
    public static final Duration MAX_TIMEOUT = ServerConfig.MAX_MONITOR_TIMEOUT;
    /** The longest interval accepted: once a day. */
    public static final Duration MAX_INTERVAL = ServerConfig.MAX_MONITOR_MIN_INTERVAL;

    public MonitorSettings {
        if (maxUrlsPerKey < 0) {
            throw new IllegalArgumentException("monitor max URLs per key must be 0 or more, not " + maxUrlsPerKey);
        }
        positive("monitor minimum interval", minInterval);
        positive("monitor timeout", timeout);
        positive("monitor tick", tick);
        positive("monitor retention", retention);
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("monitor timeout must be at most " + MAX_TIMEOUT.toSeconds() + " seconds, not "
                    + timeout);
        }
        if (minInterval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("monitor minimum interval must be at most one day, not " + minInterval);
        }
    }

    public static MonitorSettings defaults() {
        return new MonitorSettings(DEFAULT_MAX_URLS, DEFAULT_MIN_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_TICK, DEFAULT_RETENTION,
                false);
    }

    /**
     * The collector's settings ({@code --monitor-max-urls}, {@code --monitor-min-interval-seconds},
     * {@code --monitor-timeout-seconds}, {@code --monitor-allow-private} or their
     * {@code API_ANALYTICS_MONITOR_*} variables).
     */
    public static MonitorSettings from(ServerConfig config) {
        return new MonitorSettings(config.monitorMaxUrls(), config.monitorMinInterval(), config.monitorTimeout(),
                DEFAULT_TICK, DEFAULT_RETENTION, config.monitorAllowPrivate());
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
