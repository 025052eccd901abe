/**
 * The Spring Boot starter: auto-configuration that records every request of a Spring MVC or
 * WebFlux application once {@code api-analytics.api-key} is set. Depends on core, the servlet
 * adapter and the Spring the application brings.
 */
package dev.apianalytics.spring;
