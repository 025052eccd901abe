package dev.apianalytics.micronaut;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import io.micronaut.context.BeanContext;
import io.micronaut.core.order.OrderUtil;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Builds the one {@link Config} from the properties, the named mapper beans and the customizers. */
@Singleton
final class ApiAnalyticsSetup {

    private final ApiAnalyticsProperties properties;
    private final BeanContext beans;

    ApiAnalyticsSetup(ApiAnalyticsProperties properties, BeanContext beans) {
        this.properties = properties;
        this.beans = beans;
    }

    Config config() {
        ApiAnalyticsProperties p = properties;
        Config.Builder builder = Config.builder(p.getApiKey());
        try {
            if (p.getServerUrl() != null) builder.serverUrl(p.getServerUrl());
            if (p.getPrivacyLevel() != null) builder.privacyLevel(p.getPrivacyLevel());
            if (p.getFlushInterval() != null) builder.flushInterval(p.getFlushInterval());
            if (p.getBatchSize() != null) builder.batchSize(p.getBatchSize());
            if (p.getQueueCapacity() != null) builder.queueCapacity(p.getQueueCapacity());
            if (p.getRequestTimeout() != null) builder.requestTimeout(p.getRequestTimeout());
            if (p.getMaxRetryDuration() != null) builder.maxRetryDuration(p.getMaxRetryDuration());
            if (p.getShutdownTimeout() != null) builder.shutdownTimeout(p.getShutdownTimeout());
            if (p.getGzip() != null) builder.gzip(p.getGzip());
            if (p.getFlushOnShutdown() != null) builder.flushOnShutdown(p.getFlushOnShutdown());
            mapper("getPath", builder::getPath);
            mapper("getIpAddress", builder::getIpAddress);
            mapper("getHostname", builder::getHostname);
            mapper("getUserAgent", builder::getUserAgent);
            mapper("getUserId", builder::getUserId);
            List<ApiAnalyticsCustomizer> customizers = new ArrayList<>(beans.getBeansOfType(ApiAnalyticsCustomizer.class));
            OrderUtil.sort(customizers);
            for (ApiAnalyticsCustomizer customizer : customizers) {
                customizer.customize(builder);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid api-analytics configuration: " + e.getMessage(), e);
        }
    }

    private void mapper(String name, Function<RequestMapper, Config.Builder> setter) {
        beans.findBean(RequestMapper.class, Qualifiers.byName(name)).ifPresent(setter::apply);
    }
}
