/**
 * A runnable Spring Boot application with the starter, as docs/spring-boot.md shows it. Nothing depends on it.
 */
package dev.apianalytics.examples.spring;
