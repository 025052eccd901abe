/**
 * JMH benchmarks of core's request path and serialisation; they reach core's seams through core.internal.
 */
package dev.apianalytics.benchmarks.core;
