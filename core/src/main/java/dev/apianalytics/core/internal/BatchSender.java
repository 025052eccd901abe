package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats.PostOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivers one batch at a time for the uploader's thread: encodes it, posts it, and retries
 * it under the {@link RetryPolicy} until the collector takes it, refuses it, the retry time
 * runs out or close()'s deadline passes. Not thread-safe: the uploader's thread owns it.
 */
final class BatchSender implements AutoCloseable {

    private final Config config;
    private final String framework;
    private final CollectorClient client;
    private final RetryPolicy retryPolicy;
    private final CloseDeadline closeDeadline;
    // JSON and gzip buffers reused batch after batch
    private final WireFormat.Encoder encoder;
    private final AtomicLong retried = new AtomicLong();
    private final PostDurations postDurations = new PostDurations();
    private final DeliveryLog log;
    // whether the collector's last answer offered the compact form: ours does, other collectors never
    private boolean compact;
    // the most records a post carries: halved on each 413, never raised again while this sender lives
    private int postLimit = Integer.MAX_VALUE;

    BatchSender(Config config, String framework, CollectorClient client, CloseDeadline closeDeadline, DeliveryLog log) {
        this.config = config;
        this.framework = framework;
        this.client = client;
        this.retryPolicy = new RetryPolicy(config.initialBackoff(), config.maxRetryDuration());
        this.closeDeadline = closeDeadline;
        this.encoder = new WireFormat.Encoder(config.gzip());
        this.log = log;
    }

    /** Attempts repeated so far, over all batches. */
    long retried() {
        return retried.get();
    }

    /** How long the posts took, by outcome. */
    PostDurations postDurations() {
        return postDurations;
    }

    /**
     * Sends the batch in posts of at most the collector's limit, each retried as long as the
     * policy and close() allow. A post refused as too large (413) is sent again in halves, and
     * later posts keep to the smaller size, so that a collector whose limit is below
     * {@code batchSize} loses nothing.
     *
     * @return how many of the batch's records the collector accepted; the rest were given up
     */
    int send(List<RequestRecord> batch) {
        int delivered = 0;
        int from = 0;
        while (from < batch.size()) {
            List<RequestRecord> part = batch.subList(from, (int) Math.min(batch.size(), (long) from + postLimit));
            Delivery delivery = sendPost(part);
            if (delivery == Delivery.TOO_LARGE) {
                postLimit = part.size() / 2;
                continue;
            }
            if (delivery == Delivery.ACCEPTED) {
                delivered += part.size();
            }
            from += part.size();
        }
        return delivered;
    }

    /** What became of one post's records. */
    private enum Delivery {
        ACCEPTED,
        GIVEN_UP,
        /** Refused with 413, and more than one record: halves may pass. */
        TOO_LARGE
    }

    private Delivery sendPost(List<RequestRecord> batch) {
        int size = batch.size();
        boolean sentCompact = compact;
        byte[] body = encode(batch, sentCompact);
        if (body == null) {
            return Delivery.GIVEN_UP;
        }
        // one id for every attempt of this batch: the collector stores it once
        String batchId = UUID.randomUUID().toString();
        long giveUpAt = System.nanoTime() + retryPolicy.maxRetryDuration().toNanos();
        Duration backoff = retryPolicy.initialBackoff();
        while (true) {
            if (closeDeadline.passed()) {
                return Delivery.GIVEN_UP;
            }
            Duration wait;
            long started = System.nanoTime();
            try {
                CollectorClient.Answer answer = client.post(body, batchId, requestTimeout());
                compact = answer.readsCompact(); // the collector's last answer decides the next batch's form
                switch (answer.verdict()) {
                    case ACCEPTED:
                        postDurations.record(PostOutcome.ACCEPTED, started);
                        log.accepted(size, body.length, System.nanoTime() - started);
                        return Delivery.ACCEPTED;
                    case REFUSED:
                        postDurations.record(PostOutcome.REFUSED, started);
                        if (sentCompact && !answer.readsCompact() && answer.status() != 401) {
                            // a collector that no longer offers the form refused it (another one behind the URL):
                            // the family's JSON at once; a refusal that still offers it is about the batch itself,
                            // and an unknown key is unknown in any form
                            sentCompact = false;
                            body = encode(batch, false);
                            if (body == null) {
                                return Delivery.GIVEN_UP;
                            }
                            batchId = UUID.randomUUID().toString();
                            continue;
                        }
                        if (answer.status() == 413 && size > 1) {
                            log.postTooLarge(size, size / 2, answer.message());
                            return Delivery.TOO_LARGE;
                        }
                        if (answer.status() == 401) {
                            log.keyRefused(size);
                        } else {
                            log.problem("API Analytics collector refused " + size + " records with HTTP "
                                    + answer.status() + ": " + answer.message(), null);
                        }
                        return Delivery.GIVEN_UP;
                    default:
                        postDurations.record(PostOutcome.RETRY, started);
                        wait = answer.retryAfter().orElse(RetryPolicy.jitter(backoff));
                        log.retrying(answer.status(), answer.message());
                }
            } catch (IOException e) {
                postDurations.record(PostOutcome.ERROR, started);
                wait = RetryPolicy.jitter(backoff);
                log.unreachable(e);
            } catch (InterruptedException e) {
                // only close() interrupts, once its deadline has passed
                postDurations.record(PostOutcome.ERROR, started);
                return Delivery.GIVEN_UP;
            } catch (RuntimeException e) {
                postDurations.record(PostOutcome.ERROR, started);
                log.problem("API Analytics could not post " + size + " records", e);
                return Delivery.GIVEN_UP;
            }
            long resumeAt = System.nanoTime() + wait.toNanos();
            long limit = closeDeadline.isClosing() ? Math.min(giveUpAt, closeDeadline.nanos()) : giveUpAt;
            if (resumeAt - limit > 0 || !sleepUntil(resumeAt)) {
                log.gaveUp(size, closeDeadline.isClosing() ? "as long as close() allowed" : String.valueOf(retryPolicy.maxRetryDuration()));
                return Delivery.GIVEN_UP;
            }
            retried.incrementAndGet();
            backoff = retryPolicy.next(backoff);
        }
    }

    /** The batch's body, compact or the family's JSON; {@code null} (logged) when it cannot be encoded. */
    private byte[] encode(List<RequestRecord> batch, boolean compactForm) {
        try {
            return compactForm
                    ? encoder.encodeCompact(config.apiKey(), framework, config.privacyLevel(), batch)
                    : encoder.encode(config.apiKey(), framework, config.privacyLevel(), batch);
        } catch (RuntimeException e) {
            log.problem("API Analytics could not serialise a batch of " + batch.size() + " records", e);
            return null;
        }
    }

    /** The configured request timeout, shortened to what is left before close()'s deadline. */
    private Duration requestTimeout() {
        Duration timeout = config.requestTimeout();
        if (closeDeadline.isClosing()) {
            long remaining = closeDeadline.nanos() - System.nanoTime();
            timeout = Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(remaining, timeout.toNanos())));
        }
        return timeout;
    }

    /** Waits until {@code resumeAtNanos}; false when close()'s deadline or an interrupt cut the wait short. */
    private boolean sleepUntil(long resumeAtNanos) {
        while (true) {
            if (Thread.currentThread().isInterrupted() || closeDeadline.passed()) {
                return false;
            }
            long now = System.nanoTime();
            long remaining = resumeAtNanos - now;
            if (remaining <= 0) {
                return true;
            }
            if (closeDeadline.isClosing()) {
                remaining = Math.min(remaining, closeDeadline.nanos() - now);
            }
            // close() unparks the uploader's thread, so a wait never outlives its deadline
            LockSupport.parkNanos(this, remaining);
        }
    }

    /** Frees the encoder's native memory; the sender must not be used afterwards. */
    @Override
    public void close() {
        encoder.close();
    }
}
