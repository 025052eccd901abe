/**
 * The retention job that deletes requests older than the configured age. Depends on storage.
 */
package dev.apianalytics.server.retention;
