/**
 * The Micronaut adapter: a server filter configured by {@code api-analytics.*} properties, mapper beans and\n * {@link dev.apianalytics.core.Config.Customizer} beans. Depends on core and Micronaut only.
 */
package dev.apianalytics.micronaut;
