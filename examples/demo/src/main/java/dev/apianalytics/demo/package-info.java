/**
 * The demo application that {@code demo.sh} runs against a local collector. Nothing depends on it.
 */
package dev.apianalytics.demo;
