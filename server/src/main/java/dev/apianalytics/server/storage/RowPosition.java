package dev.apianalytics.server.storage;

import java.time.Instant;

/**
 * Where a row stands in the data API's order: its {@code created_at}, then the storage's own
 * row identifier, unique among the rows of one {@code created_at} (on PostgreSQL they share a
 * partition), so that the order is total and a page can resume after a row.
 *
 * @param createdAt the row's timestamp
 * @param tieBreaker DuckDB's {@code rowid}, or PostgreSQL's {@code ctid} as block * 65536 + item
 */
public record RowPosition(Instant createdAt, long tieBreaker) {}
