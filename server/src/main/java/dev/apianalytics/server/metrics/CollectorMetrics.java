package dev.apianalytics.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The collector's own counters, one set per running server (tests run several in one JVM, so
 * nothing here is static). Labels are bounded and hold no tenant data: a route is the pattern the
 * server registered ({@code /api/log-request}, {@code /api/monitors/{id}}), never the path asked
 * for, and there is no key, hostname or client address anywhere.
 */
public final class CollectorMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter answers = Counter.builder()
            .name("apianalytics_http_requests")
            .help("HTTP answers by route pattern, method and status")
            .labelNames("route", "method", "status")
            .register(registry);
    private final Counter rows = Counter.builder()
            .name("apianalytics_ingest_rows")
            .help("Rows received in ingestion posts: accepted (committed) or rejected (invalid)")
            .labelNames("outcome")
            .register(registry);
    private final Counter posts = Counter.builder()
            .name("apianalytics_ingest_posts")
            .help("Ingestion posts whose rows were committed, by body form: json (the family's) or compact (ours)")
            .labelNames("form")
            .register(registry);
    private final Histogram ingestDuration = Histogram.builder()
            .name("apianalytics_ingest_duration_seconds")
            .help("Time from an ingestion post's arrival to the commit of its rows")
            .classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
    private final Counter pings = Counter.builder()
            .name("apianalytics_monitor_pings")
            .help("Monitor pings stored, by result: up (answered below 400), down (answered 400 or above), "
                    + "failed (no answer: timeout, refused, DNS, TLS)")
            .labelNames("result")
            .register(registry);

    public CollectorMetrics() {
        rows.initLabelValues("accepted");
        rows.initLabelValues("rejected");
        posts.initLabelValues("json");
        posts.initLabelValues("compact");
        pings.initLabelValues("up");
        pings.initLabelValues("down");
        pings.initLabelValues("failed");
    }

    /** Counts one answer of a registered route. */
    public void answered(String route, String method, int status) {
        answers.labelValues(route, method, Integer.toString(status)).inc();
    }

    /** Counts the rows of one post: those stored and those refused as invalid. */
    public void rows(int accepted, int rejected) {
        rows.labelValues("accepted").inc(accepted);
        rows.labelValues("rejected").inc(rejected);
    }

    /**
     * Records a committed post: its body form and how long it took from arrival
     * ({@link System#nanoTime()} then) to its commit.
     */
    public void committed(boolean compact, long arrivedNanos) {
        posts.labelValues(compact ? "compact" : "json").inc();
        ingestDuration.observe((System.nanoTime() - arrivedNanos) / 1e9);
    }

    /** Counts one stored ping; {@code status} is 0 when no answer arrived. */
    public void pinged(boolean up, int status) {
        pings.labelValues(up ? "up" : status > 0 ? "down" : "failed").inc();
    }

    /** The registry {@code /metrics} serves; gauges read at scrape time are added to it. */
    public PrometheusRegistry registry() {
        return registry;
    }
}
