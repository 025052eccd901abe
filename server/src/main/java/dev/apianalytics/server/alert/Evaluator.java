package dev.apianalytics.server.alert;

import dev.apianalytics.server.alert.AlertStore.Destination;
import dev.apianalytics.server.alert.AlertStore.Queued;
import dev.apianalytics.server.alert.AlertStore.Rules;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides from stored pings and requests whether an incident starts or ends, and queues one
 * delivery per destination when it does. The decision is read from the database every time, so
 * it needs no memory of its own and survives restarts.
 */
final class Evaluator {

    static final Duration ERROR_WINDOW = Duration.ofMinutes(5);
    static final Duration LATENCY_WINDOW = Duration.ofMinutes(15);
    /** Fewer requests than this in a window decide nothing: one 5xx of two requests is not an incident. */
    static final int MIN_REQUESTS = 20;

    private final AlertStore store;
    private final Clock clock;
    private final int defaultDownAfter;

    Evaluator(AlertStore store, Clock clock, int defaultDownAfter) {
        this.store = store;
        this.clock = clock;
        this.defaultDownAfter = defaultDownAfter;
    }

    /**
     * Down after the rule's number of failed pings in a row, recovered at the first ping up; any
     * other pattern (a single failure, flapping shorter than the rule) changes nothing.
     */
    void monitor(long keyId, long monitorId) throws SQLException {
        Rules rules = store.rules(keyId, defaultDownAfter);
        List<Boolean> latest = store.latestPings(monitorId, rules.downAfter());
        if (latest.isEmpty()) {
            return;
        }
        boolean firing;
        if (latest.get(0)) {
            firing = false;
        } else if (latest.size() == rules.downAfter() && !latest.contains(Boolean.TRUE)) {
            firing = true;
        } else {
            return;
        }
        String subject = "monitor:" + monitorId;
        if (store.firing(keyId, subject) == firing) {
            return; // the common case, answered without a transaction
        }
        Optional<String> url = store.monitorUrl(keyId, monitorId);
        if (url.isEmpty()) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("monitorId", monitorId);
        details.put("url", url.get());
        details.put("failedPingsInARow", firing ? rules.downAfter() : 0);
        String summary = firing ? url.get() + " is down: the last " + rules.downAfter() + " pings failed"
                : url.get() + " is up again";
        change(keyId, subject, firing, new Alert(firing ? "monitor.down" : "monitor.recovered", firing, subject, summary,
                clock.instant(), details));
    }

    /** The error-rate and p95 rules of one key, from its stored requests. */
    void traffic(long keyId) throws SQLException {
        Rules rules = store.rules(keyId, defaultDownAfter);
        Instant now = clock.instant();
        if (rules.errorRate() != null) {
            long[] counts = store.errorCounts(keyId, now.minus(ERROR_WINDOW));
            if (counts[0] >= MIN_REQUESTS) {
                double rate = (double) counts[1] / counts[0];
                boolean firing = rate > rules.errorRate();
                if (store.firing(keyId, "error-rate") != firing) {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("errorRate", rate);
                    details.put("threshold", rules.errorRate());
                    details.put("requests", counts[0]);
                    details.put("serverErrors", counts[1]);
                    details.put("windowMinutes", ERROR_WINDOW.toMinutes());
                    String figures = percent(rate) + " of " + counts[0] + " requests answered 5xx in the last "
                            + ERROR_WINDOW.toMinutes() + " minutes (threshold " + percent(rules.errorRate()) + ")";
                    change(keyId, "error-rate", firing, new Alert(firing ? "error_rate.high" : "error_rate.recovered", firing,
                            "error-rate", (firing ? "Error rate is high: " : "Error rate is back to normal: ") + figures, now,
                            details));
                }
            }
        }
        if (rules.p95Ms() != null) {
            double[] p95 = store.p95(keyId, now.minus(LATENCY_WINDOW));
            if (p95[0] >= MIN_REQUESTS) {
                boolean firing = p95[1] > rules.p95Ms();
                if (store.firing(keyId, "p95") != firing) {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("p95Ms", p95[1]);
                    details.put("thresholdMs", rules.p95Ms());
                    details.put("requests", (long) p95[0]);
                    details.put("windowMinutes", LATENCY_WINDOW.toMinutes());
                    String figures = "p95 response time " + Math.round(p95[1]) + " ms over " + (long) p95[0]
                            + " requests in the last " + LATENCY_WINDOW.toMinutes() + " minutes (threshold "
                            + Math.round(rules.p95Ms()) + " ms)";
                    change(keyId, "p95", firing, new Alert(firing ? "p95.high" : "p95.recovered", firing, "p95",
                            (firing ? "Responses are slow: " : "Responses are fast again: ") + figures, now, details));
                }
            }
        }
    }

    private void change(long keyId, String subject, boolean firing, Alert alert) throws SQLException {
        List<Queued> queued = new ArrayList<>();
        for (Destination destination : store.destinations(keyId)) {
            queued.add(new Queued(destination.id(), alert.event(), alert.summary(), destination.format().payload(alert)));
        }
        store.transition(keyId, subject, firing, alert.at(), queued);
    }

    private static String percent(double ratio) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", ratio * 100);
    }
}
