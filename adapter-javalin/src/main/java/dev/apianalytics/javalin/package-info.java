/**
 * The Javalin adapter: a plugin that records every request. Depends on core and Javalin only.
 */
package dev.apianalytics.javalin;
