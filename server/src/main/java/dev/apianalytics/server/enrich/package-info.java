/**
 * Enrichment of ingested rows: user-agent parsing (client, OS, device, bot) and the country of an IP address.\n * Depends on no other package of the server; ingestion depends on it.
 */
package dev.apianalytics.server.enrich;
