/**
 * The middleware's API, shared by every adapter. Depends on the JDK alone; adapters and
 * applications depend on it, never the other way round.
 *
 * <p>Its public types, each for a reason (core's {@code ArchitectureTest} holds the same list
 * and fails on any other):
 * <ul>
 *   <li>{@link dev.apianalytics.core.ApiAnalytics}: what adapters create and call on each request;
 *       {@link dev.apianalytics.core.UploaderStats} is the record its {@code stats()} returns (with its nested
 *       {@code PostOutcome} and {@code PostTimes}, the uploads counted and timed by outcome).
 *   <li>{@link dev.apianalytics.core.Config} with its {@code Builder}, its settings table's rows
 *       ({@code Setting}) and the {@code Customizer} Spring, Micronaut and Quarkus applications declare.
 *   <li>{@link dev.apianalytics.core.RequestView}, {@link dev.apianalytics.core.RequestMapper} and
 *       {@link dev.apianalytics.core.PrivacyLevel}: what a user's mappers and settings are made of.
 *   <li>{@link dev.apianalytics.core.ApiAnalyticsMXBean}: JMX introspects only a public MXBean
 *       interface; its implementation is package-private.
 *   <li>{@code dev.apianalytics.core.micrometer.ApiAnalyticsMetrics}: the Micrometer binder
 *       applications bind (Micrometer is an optional dependency).
 * </ul>
 * Everything else is package-private (excluded paths, the settings table's parsing, the header
 * and {@code X-Forwarded-For} mappers behind {@code RequestMapper}'s factories) or lives in
 * {@code dev.apianalytics.core.internal}, which is not API.
 */
package dev.apianalytics.core;
