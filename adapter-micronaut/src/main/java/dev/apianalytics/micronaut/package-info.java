/**
 * The Micronaut adapter: a server filter configured by {@code api-analytics.*} properties, mapper beans and\n * {@link dev.apianalytics.core.Config.Customizer} beans. Depends on core and Micronaut only; with Micronaut Micrometer\n * it binds the uploader's meters too.
 */
package dev.apianalytics.micronaut;
