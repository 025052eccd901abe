package dev.apianalytics.server.alert;

import java.time.Instant;
import java.util.Map;

/**
 * One change of an incident: {@code event} such as {@code monitor.down} or
 * {@code monitor.recovered}, the subject it is about, a sentence for people and the figures.
 */
record Alert(String event, boolean firing, String subject, String summary, Instant at, Map<String, Object> details) {}
