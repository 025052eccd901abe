package dev.apianalytics.quarkus;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds the one {@link Config} from application.properties, the named mapper beans and the
 * customizers. Every setting but the key is optional and defaults as in {@link Config}:
 *
 * <pre>
 * api-analytics.api-key=${API_ANALYTICS_KEY:}
 * api-analytics.server-url=http://localhost:8421
 * api-analytics.privacy-level=0
 * api-analytics.flush-interval=5s
 * api-analytics.batch-size=1000
 * api-analytics.queue-capacity=20000
 * api-analytics.request-timeout=10s
 * api-analytics.max-retry-duration=10m
 * api-analytics.shutdown-timeout=5s
 * api-analytics.gzip=true
 * api-analytics.flush-on-shutdown=true
 * </pre>
 */
@Singleton
public final class ApiAnalyticsSettings {

    private static final String PREFIX = "api-analytics.";

    private final org.eclipse.microprofile.config.Config properties;
    private final Instance<RequestMapper> mappers;
    private final Instance<ApiAnalyticsCustomizer> customizers;

    ApiAnalyticsSettings(org.eclipse.microprofile.config.Config properties,
            @Any Instance<RequestMapper> mappers, @Any Instance<ApiAnalyticsCustomizer> customizers) {
        this.properties = properties;
        this.mappers = mappers;
        this.customizers = customizers;
    }

    /** The validated configuration; an invalid value fails with a message naming the property. */
    public Config config() {
        Config.Builder builder = Config.builder(value("api-key", String.class).orElse(""));
        set("server-url", String.class, builder::serverUrl);
        set("privacy-level", Integer.class, builder::privacyLevel);
        set("flush-interval", Duration.class, builder::flushInterval);
        set("batch-size", Integer.class, builder::batchSize);
        set("queue-capacity", Integer.class, builder::queueCapacity);
        set("request-timeout", Duration.class, builder::requestTimeout);
        set("max-retry-duration", Duration.class, builder::maxRetryDuration);
        set("shutdown-timeout", Duration.class, builder::shutdownTimeout);
        set("gzip", Boolean.class, builder::gzip);
        set("flush-on-shutdown", Boolean.class, builder::flushOnShutdown);
        mapper("getPath", builder::getPath);
        mapper("getIpAddress", builder::getIpAddress);
        mapper("getHostname", builder::getHostname);
        mapper("getUserAgent", builder::getUserAgent);
        mapper("getUserId", builder::getUserId);
        for (ApiAnalyticsCustomizer customizer : customizers) {
            customizer.customize(builder);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid api-analytics configuration: " + e.getMessage(), e);
        }
    }

    private <T> Optional<T> value(String name, Class<T> type) {
        try {
            return properties.getOptionalValue(PREFIX + name, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid api-analytics configuration: " + PREFIX + name + ": " + e.getMessage(), e);
        }
    }

    private <T> void set(String name, Class<T> type, Function<T, Config.Builder> setter) {
        Optional<T> value = value(name, type);
        if (value.isPresent()) {
            try {
                setter.apply(value.get());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid api-analytics configuration: " + PREFIX + name + ": " + e.getMessage(), e);
            }
        }
    }

    private void mapper(String name, Consumer<RequestMapper> setter) {
        Instance<RequestMapper> named = mappers.select(NamedLiteral.of(name));
        if (named.isResolvable()) {
            setter.accept(named.get());
        }
    }
}
