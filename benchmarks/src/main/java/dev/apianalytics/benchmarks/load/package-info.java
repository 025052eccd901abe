/**
 * The adapter load benchmark: small applications per framework and a collector sink. Nothing depends on it.
 */
package dev.apianalytics.benchmarks.load;
