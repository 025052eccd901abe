/**
 * A runnable Spring Boot application with the servlet filter, as the docs show it. Nothing depends on it.
 */
package dev.apianalytics.examples.spring;
