package dev.apianalytics.server.storage;

/**
 * What the collector answered for a batch it stored under an {@code Idempotency-Key}: a
 * retry of that batch gets the same counts and stores nothing.
 */
public record BatchOutcome(int accepted, int rejected) {}
