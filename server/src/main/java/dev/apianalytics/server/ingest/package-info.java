/**
 * Ingestion of {@code POST /api/log-request}: reading, validating and enriching batches, rate limits. Depends on\n * http, keys, storage and enrich.
 */
package dev.apianalytics.server.ingest;
