package dev.apianalytics.server.storage;

import java.time.Instant;

/**
 * How many of a key's matching rows fall in one UTC hour.
 *
 * @param hour the hour's start
 * @param rows matching rows made in that hour
 */
public record HourCount(Instant hour, long rows) {}
