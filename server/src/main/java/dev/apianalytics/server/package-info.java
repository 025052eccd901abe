/**
 * The collector's entry points and wiring: {@code Main}, {@code CollectorServer} (the embedding API),\n * {@code ServerConfig} and its flags, and the extension hooks. The top layer: it may depend on every package below.
 */
package dev.apianalytics.server;
