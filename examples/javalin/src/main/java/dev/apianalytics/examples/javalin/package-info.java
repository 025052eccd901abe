/**
 * A runnable Javalin application with analytics, as the docs show it. Nothing depends on it.
 */
package dev.apianalytics.examples.javalin;
