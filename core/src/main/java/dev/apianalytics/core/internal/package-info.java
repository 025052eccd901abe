/**
 * Helpers shared by this project's own modules (adapters, server tests, benchmarks). Not API:
 * anything here may change or go away in any release; applications must not depend on it.
 */
package dev.apianalytics.core.internal;
