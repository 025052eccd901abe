package dev.apianalytics.server.monitor;

import java.time.Duration;
import java.util.Map;

/**
 * Monitoring limits and timings.
 *
 * @param maxUrlsPerKey how many URLs one key may monitor (default 10)
 * @param minInterval the shortest interval a URL may be pinged at (default 30 seconds)
 * @param timeout how long a ping waits for connect and response headers unless the monitor sets its own
 *     (default 10 seconds); a monitor may choose from 1 second to {@link #MAX_TIMEOUT}
 * @param tick how often the scheduler looks for URLs that are due (default 1 second: one small indexed query)
 * @param retention how long pings are kept (default 60 days, the longest window the page shows)
 */
public record MonitorSettings(int maxUrlsPerKey, Duration minInterval, Duration timeout, Duration tick, Duration retention) {

    public static final int DEFAULT_MAX_URLS = 10;
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(60);
    /** The longest timeout a monitor may ask for. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    /** The longest interval accepted: once a day. */
    public static final Duration MAX_INTERVAL = Duration.ofDays(1);

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
        return new MonitorSettings(DEFAULT_MAX_URLS, DEFAULT_MIN_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_TICK, DEFAULT_RETENTION);
    }

    /**
     * Defaults overridden by {@code API_ANALYTICS_MONITOR_MAX_URLS}, {@code API_ANALYTICS_MONITOR_MIN_INTERVAL_SECONDS}
     * and {@code API_ANALYTICS_MONITOR_TIMEOUT_SECONDS} when set.
     */
    public static MonitorSettings fromEnvironment(Map<String, String> environment) {
        MonitorSettings defaults = defaults();
        return new MonitorSettings(
                number(environment, "API_ANALYTICS_MONITOR_MAX_URLS", defaults.maxUrlsPerKey()),
                Duration.ofSeconds(number(environment, "API_ANALYTICS_MONITOR_MIN_INTERVAL_SECONDS",
                        (int) defaults.minInterval().toSeconds())),
                Duration.ofSeconds(number(environment, "API_ANALYTICS_MONITOR_TIMEOUT_SECONDS",
                        (int) defaults.timeout().toSeconds())),
                defaults.tick(),
                defaults.retention());
    }

    private static int number(Map<String, String> environment, String name, int fallback) {
        String text = environment.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + text + "'");
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
