/**
 * Storage of requests, keys and monitors in DuckDB or PostgreSQL, behind {@code Storage}. Depends on no other\n * package of the server; the feature packages depend on it.
 */
package dev.apianalytics.server.storage;
