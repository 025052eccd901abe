/**
 * The Jakarta Servlet adapter: a filter for Tomcat, Jetty, Undertow and Spring MVC, configured in code or by\n * web.xml init parameters. Depends on core and the Servlet API only.
 */
package dev.apianalytics.servlet;
