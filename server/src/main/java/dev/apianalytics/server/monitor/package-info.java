/**
 * Uptime monitoring: the monitor API, the scheduler and the pinger. Depends on http and storage.
 */
package dev.apianalytics.server.monitor;
