/**
 * The dashboard: its page, its data endpoint, panels and CSV export, read from raw rows and hourly summaries.\n * Depends on http, storage and the summaries.
 */
package dev.apianalytics.server.dashboard;
