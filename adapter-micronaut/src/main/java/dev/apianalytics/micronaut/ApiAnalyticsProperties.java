package dev.apianalytics.micronaut;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * The {@code api-analytics.*} settings of application.yml; every one but the key is optional
 * and defaults as in {@code dev.apianalytics.core.Config}:
 *
 * <pre>
 * api-analytics:
 *   api-key: ${API_ANALYTICS_KEY:}
 *   server-url: http://localhost:8421
 *   privacy-level: 0
 *   flush-interval: 5s
 *   batch-size: 1000
 *   queue-capacity: 20000
 *   request-timeout: 10s
 *   max-retry-duration: 10m
 *   shutdown-timeout: 5s
 *   gzip: true
 *   flush-on-shutdown: true
 * </pre>
 */
@ConfigurationProperties("api-analytics")
public final class ApiAnalyticsProperties {

    private String apiKey;
    private String serverUrl;
    private Integer privacyLevel;
    private Duration flushInterval;
    private Integer batchSize;
    private Integer queueCapacity;
    private Duration requestTimeout;
    private Duration maxRetryDuration;
    private Duration shutdownTimeout;
    private Boolean gzip;
    private Boolean flushOnShutdown;

    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    public String getServerUrl() { return serverUrl; }
    public void setServerUrl(String serverUrl) { this.serverUrl = serverUrl; }
    public Integer getPrivacyLevel() { return privacyLevel; }
    public void setPrivacyLevel(Integer privacyLevel) { this.privacyLevel = privacyLevel; }
    public Duration getFlushInterval() { return flushInterval; }
    public void setFlushInterval(Duration flushInterval) { this.flushInterval = flushInterval; }
    public Integer getBatchSize() { return batchSize; }
    public void setBatchSize(Integer batchSize) { this.batchSize = batchSize; }
    public Integer getQueueCapacity() { return queueCapacity; }
    public void setQueueCapacity(Integer queueCapacity) { this.queueCapacity = queueCapacity; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public Duration getMaxRetryDuration() { return maxRetryDuration; }
    public void setMaxRetryDuration(Duration maxRetryDuration) { this.maxRetryDuration = maxRetryDuration; }
    public Duration getShutdownTimeout() { return shutdownTimeout; }
    public void setShutdownTimeout(Duration shutdownTimeout) { this.shutdownTimeout = shutdownTimeout; }
    public Boolean getGzip() { return gzip; }
    public void setGzip(Boolean gzip) { this.gzip = gzip; }
    public Boolean getFlushOnShutdown() { return flushOnShutdown; }
    public void setFlushOnShutdown(Boolean flushOnShutdown) { this.flushOnShutdown = flushOnShutdown; }
}
