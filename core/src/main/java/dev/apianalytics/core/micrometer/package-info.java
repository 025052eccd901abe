/**
 * The uploader's figures as Micrometer meters, for applications that have Micrometer of their
 * own: core depends on it only optionally, and nothing else in core loads these classes.
 */
package dev.apianalytics.core.micrometer;
