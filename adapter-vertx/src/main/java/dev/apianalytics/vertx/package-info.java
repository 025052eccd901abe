/**
 * The Vert.x Web adapter: a router handler that records every request. Depends on core and Vert.x only.
 */
package dev.apianalytics.vertx;
