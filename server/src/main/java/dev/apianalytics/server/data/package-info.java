/**
 * The data API: reading and deleting stored requests. Depends on http, keys, storage and ingest's parsing.
 */
package dev.apianalytics.server.data;
