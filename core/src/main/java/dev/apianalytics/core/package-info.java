/**
 * The middleware's API, shared by every adapter: {@link dev.apianalytics.core.Config} (with its settings\n * table), {@link dev.apianalytics.core.RequestView}, {@link dev.apianalytics.core.RequestMapper}, {@link dev.apianalytics.core.PrivacyLevel},\n * {@link dev.apianalytics.core.ApiAnalytics} and {@link dev.apianalytics.core.UploaderStats}. Depends on the JDK alone; adapters and\n * applications depend on it, never the other way round.
 */
package dev.apianalytics.core;
