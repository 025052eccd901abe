/**
 * The adapter conformance kit, a test library: {@link dev.apianalytics.testkit.AbstractConformanceTest} and the
 * {@link dev.apianalytics.testkit.Endpoint}s every adapter's test application serves, and a
 * {@link dev.apianalytics.testkit.RecordingCollector} for any test that needs a collector. Depends on core only;
 * adapters, examples and integration tests depend on it in test scope.
 */
package dev.apianalytics.testkit;
