package dev.apianalytics.core.internal;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats.PostOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
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

    private final PostSizeLimit postSizeLimit = new PostSizeLimit();
    private long acceptedPosts;

    // the batch being sent: when its retrying ends, its refused posts and the budget for more (growing
    // with each post that passes, up to the cap), what was given up
    private long batchGiveUpAt;
    private boolean batchTimedOut;
    private int refusedPosts;
    private int refusalAllowance;
    private int refusalCap;
    private int tooLargeGivenUp;
    private int timedOutRecords;
    private String tooLargeMessage = "";

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
     * Sends the batch, retrying as long as the policy and close() allow. A post refused as too
     * large (413) is sent again in halves, so that a collector whose row or body limit is below
     * {@code batchSize} loses nothing, and a record too large on its own sinks only itself. When
     * both halves of a refused post pass, the collector limits the size of a post: later posts
     * keep to a half for a while ({@link PostSizeLimit}).
     *
     * @return how many of the batch's records the collector accepted; the rest were given up
     */
    int send(List<RequestRecord> batch) {
        long now = System.nanoTime();
        batchGiveUpAt = now + saturatedNanos(retryPolicy.maxRetryDuration());
        batchTimedOut = false;
        // enough refused posts to find a size or single out a few bad records, and one more for each
        // post that passes meanwhile, up to an eighth of the batch: never a post for every record
        refusalAllowance = 4 * (32 - Integer.numberOfLeadingZeros(batch.size())) + 4;
        refusalCap = refusalAllowance + batch.size() / 8;
        refusedPosts = 0;
        tooLargeGivenUp = 0;
        timedOutRecords = 0;
        int delivered = deliver(batch);
        if (tooLargeGivenUp > 0) {
            log.tooLargeGivenUp(tooLargeGivenUp, batch.size(), tooLargeMessage);
        }
        if (timedOutRecords > 0 && !closeDeadline.isClosing()) { // at close, the close's own warning counts them
            log.gaveUp(timedOutRecords, String.valueOf(retryPolicy.maxRetryDuration()));
        }
        return delivered;
    }

    /** Posts the records in parts of at most the {@link PostSizeLimit}; returns how many the collector took. */
    private int deliver(List<RequestRecord> records) {
        int size = records.size();
        int limit = postSizeLimit.current(System.nanoTime());
        if (size > limit) {
            int delivered = 0;
            for (int from = 0; from < size; from = (int) Math.min(size, (long) from + limit)) {
                delivered += deliver(records.subList(from, (int) Math.min(size, (long) from + limit)));
            }
            return delivered;
        }
        return switch (sendPost(records)) {
            case ACCEPTED -> size;
            case TOO_LARGE -> deliverHalves(records);
            case GIVEN_UP -> 0;
        };
    }

    /** After a 413 for more than one record: each half on its own, while the batch's budget of refused posts lasts. */
    private int deliverHalves(List<RequestRecord> records) {
        int size = records.size();
        if (refusedPosts > refusalAllowance) {
            tooLargeGivenUp += size;
            return 0;
        }
        int half = size - size / 2;
        long postsBefore = acceptedPosts;
        int delivered = deliver(records.subList(0, half)) + deliver(records.subList(half, size));
        // each half whole in one post: the size was refused, not a record in it
        if (delivered == size && acceptedPosts - postsBefore == 2 && postSizeLimit.learn(half, System.nanoTime())) {
            log.postTooLarge(size, half, tooLargeMessage, PostSizeLimit.LIFETIME);
        }
        return delivered;
    }

    private static long saturatedNanos(Duration duration) {
        return duration.compareTo(Duration.ofDays(365L * 100)) > 0 ? Duration.ofDays(365L * 100).toNanos() : duration.toNanos();
    }

    /** What became of one post's records. */
    private enum Delivery {
        ACCEPTED,
        GIVEN_UP,
        /** Refused with 413, and more than one record: halves may pass. */
        TOO_LARGE
    }

    private Delivery sendPost(List<RequestRecord> batch) {
        if (closeDeadline.passed()) {
            return Delivery.GIVEN_UP; // not even encoded; the close's warning counts what is left
        }
        if (batchTimedOut) {
            timedOutRecords += batch.size(); // given up with the batch's part that used up the retry time
            return Delivery.GIVEN_UP;
        }
        int size = batch.size();
        boolean sentCompact = compact;
        byte[] body = encode(batch, sentCompact);
        if (body == null) {
            return Delivery.GIVEN_UP;
        }
        // one id for every attempt of this post: the collector stores it once
        String batchId = UUID.randomUUID().toString();
        Duration backoff = retryPolicy.initialBackoff();
        // an attempt that may have been stored though its answer was lost: a later 413 must not split the records
        boolean maybeStored = false;
        while (true) {
            if (closeDeadline.passed()) {
                return Delivery.GIVEN_UP;
            }
            Duration wait;
            long started = System.nanoTime();
            try {
                CollectorClient.Answer answer = client.post(body, batchId, requestTimeout());
                if (answer.status() != 413) {
                    // the collector's last answer decides the next batch's form; a 413 may come from a proxy
                    compact = answer.readsCompact();
                }
                switch (answer.verdict()) {
                    case ACCEPTED:
                        postDurations.record(PostOutcome.ACCEPTED, started);
                        log.accepted(size, body.length, System.nanoTime() - started);
                        acceptedPosts++;
                        refusalAllowance = Math.min(refusalAllowance + 1, refusalCap);
                        return Delivery.ACCEPTED;
                    case REFUSED:
                        postDurations.record(PostOutcome.REFUSED, started);
                        if (answer.status() == 413 && !maybeStored) {
                            refusedPosts++;
                            tooLargeMessage = answer.message();
                            if (size > 1) {
                                return Delivery.TOO_LARGE;
                            }
                            tooLargeGivenUp++; // too large on its own
                            return Delivery.GIVEN_UP;
                        }
                        if (sentCompact && !answer.readsCompact() && answer.status() != 401 && answer.status() != 413) {
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
                        if (answer.status() == 401) {
                            log.keyRefused(size);
                        } else if (answer.status() == 413) {
                            log.problem("API Analytics collector refused " + DeliveryLog.records(size) + " with HTTP 413 ("
                                    + answer.message() + ") after an attempt whose answer was lost; not sent again in parts,"
                                    + " which could store records twice", null);
                        } else {
                            log.problem("API Analytics collector refused " + DeliveryLog.records(size) + " with HTTP "
                                    + answer.status() + ": " + answer.message(), null);
                        }
                        return Delivery.GIVEN_UP;
                    default:
                        postDurations.record(PostOutcome.RETRY, started);
                        // a proxy's 5xx may hide a commit behind it; our collector's own never does
                        maybeStored |= answer.status() >= 500 && !answer.fromOurCollector();
                        wait = answer.retryAfter().orElse(RetryPolicy.jitter(backoff));
                        log.retrying(answer.status(), answer.message());
                }
            } catch (IOException e) {
                postDurations.record(PostOutcome.ERROR, started);
                // a timeout or a dropped connection may come after the body went out; no connection, no body
                maybeStored |= !(e instanceof ConnectException || e instanceof HttpConnectTimeoutException);
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
            long limit = closeDeadline.isClosing() ? Math.min(batchGiveUpAt, closeDeadline.nanos()) : batchGiveUpAt;
            if (resumeAt - limit > 0 || !sleepUntil(resumeAt)) {
                batchTimedOut = true; // the batch's other posts are given up with it, without an attempt
                timedOutRecords += size;
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
