package dev.apianalytics.core;

/**
 * Counters since the uploader started.
 *
 * @param enqueued records accepted into the queue
 * @param sent records the collector acknowledged
 * @param dropped records refused because the queue was full (or the uploader closed)
 * @param retried upload attempts that were repeated after a failure
 * @param failed records given up: rejected by the collector, or retried for too long
 * @param queued records waiting in the queue now
 */
public record UploaderStats(long enqueued, long sent, long dropped, long retried, long failed, int queued) {}
