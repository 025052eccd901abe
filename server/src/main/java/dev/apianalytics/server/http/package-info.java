/**
 * The collector's HTTP layer: router, exchange, handler interface, JSON errors and static files. Depends on no\n * other package of the server; every feature package may depend on it.
 */
package dev.apianalytics.server.http;
