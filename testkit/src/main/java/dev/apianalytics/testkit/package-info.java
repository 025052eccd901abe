/**
 * The adapter conformance suite and the recording collector that adapters' tests run against. Test scope\n * only: depends on core; adapters' tests depend on it.
 */
package dev.apianalytics.testkit;
