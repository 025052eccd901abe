/**
 * The Quarkus adapter: a route filter configured by {@code api-analytics.*} properties, mapper beans and\n * {@link dev.apianalytics.core.Config.Customizer} beans. Depends on core and Quarkus only; with Quarkus Micrometer\n * it binds the uploader's meters too.
 */
package dev.apianalytics.quarkus;
