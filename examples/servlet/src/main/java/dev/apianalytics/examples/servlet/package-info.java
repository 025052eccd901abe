/**
 * The servlet filter registered in code, as the README shows it, for a WAR deployed to any
 * Servlet 6 container. Nothing depends on it.
 */
package dev.apianalytics.examples.servlet;
