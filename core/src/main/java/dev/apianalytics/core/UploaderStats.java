package dev.apianalytics.core;

/**
 * Counters since the uploader started. Every record offered ends up counted once as
 * {@code dropped}, or as {@code enqueued} and then (once settled) as {@code sent},
 * {@code failed} or {@code dropped}.
 *
 * @param enqueued records accepted into the queue
 * @param sent records the collector acknowledged with a 2xx
 * @param dropped records never sent: refused because the queue was full or the uploader
 *     closed, or still queued when {@code close()} reached its deadline
 * @param retried upload attempts that were repeated after a 429, a 5xx or an I/O error
 * @param failed records given up: refused by the collector (a 4xx other than 429), retried
 *     for longer than the configured maximum, or cut off by {@code close()}
 * @param queued records waiting in the queue now
 * @param droppedQueueFull those of the {@code dropped} records refused because the queue was full;
 *     the rest were dropped because the uploader had closed
 */
public record UploaderStats(long enqueued, long sent, long dropped, long retried, long failed, int queued, long droppedQueueFull) {}
