/**
 * Hourly summaries of each key's requests: their tables and SQL ({@link dev.apianalytics.server.summary.Summaries}),
 * the mergeable sketches, the lateness rule and the job that keeps them up to date, installed by
 * {@link dev.apianalytics.server.summary.SummaryExtension}. Depends on storage only; the dashboard reads it.
 */
package dev.apianalytics.server.summary;
