/**
 * API keys: generation, lookup and the authentication of ingest and data requests. Depends on http and storage.
 */
package dev.apianalytics.server.keys;
