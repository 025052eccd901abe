package dev.apianalytics.server.alert;

import dev.apianalytics.server.alert.AlertStore.Delivery;
import dev.apianalytics.server.alert.AlertStore.Due;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends queued deliveries. Each {@link #tick()} reads the due ones, claims each (moving its next
 * attempt past the send's timeout, an atomic update only one collector wins) and posts it
 * asynchronously; the outcome is stored on {@code recorder}, never on the HTTP client's threads.
 * A failed attempt is retried after {@link #backoff}, up to {@link #MAX_ATTEMPTS} in all. A
 * collector that dies mid-send leaves the claim to expire and another retries: a receiver may
 * see an alert twice then, never zero times.
 */
final class DeliveryWorker {

    private static final System.Logger LOG = System.getLogger(DeliveryWorker.class.getName());
    static final int MAX_IN_FLIGHT = 16;
    static final int MAX_ATTEMPTS = 6;
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LEASE = WebhookSender.TIMEOUT.plusSeconds(20);

    private final AlertStore store;
    private final WebhookSender sender;
    private final Clock clock;
    private final Executor recorder;
    private final AtomicInteger inFlight = new AtomicInteger();

    DeliveryWorker(AlertStore store, WebhookSender sender, Clock clock, Executor recorder) {
        this.store = store;
        this.sender = sender;
        this.clock = clock;
        this.recorder = recorder;
    }

    /** Starts the due deliveries there is room for; returns how many started. */
    int tick() throws SQLException {
        int free = MAX_IN_FLIGHT - inFlight.get();
        if (free <= 0) {
            return 0;
        }
        int started = 0;
        Instant now = clock.instant();
        for (Due due : store.due(now, free)) {
            Delivery delivery = due.delivery();
            if (!store.claim(delivery, now.plus(LEASE))) {
                continue;
            }
            inFlight.incrementAndGet();
            started++;
            Instant sentAt = clock.instant();
            sender.post(due.url(), delivery.payload()).whenCompleteAsync((outcome, error) -> {
                try {
                    int attempt = delivery.attempts() + 1;
                    String state = outcome.delivered() ? "delivered" : attempt >= MAX_ATTEMPTS ? "failed" : "pending";
                    store.recordAttempt(delivery, sentAt, outcome.status(), outcome.error(), state,
                            clock.instant().plus(backoff(attempt)));
                } catch (SQLException | RuntimeException e) {
                    // the claim expires and the delivery is tried again
                    LOG.log(System.Logger.Level.WARNING, "could not store an alert delivery attempt: " + e.getMessage());
                } finally {
                    inFlight.decrementAndGet();
                }
            }, recorder);
        }
        return started;
    }

    /** 5 s, 10 s, 20 s, 40 s, 80 s after the first, second... failed attempt. */
    static Duration backoff(int failedAttempts) {
        return FIRST_RETRY.multipliedBy(1L << Math.min(failedAttempts - 1, 10));
    }
}
