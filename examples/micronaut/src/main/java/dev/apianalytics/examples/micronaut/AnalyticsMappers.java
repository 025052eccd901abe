package dev.apianalytics.examples.micronaut;

import dev.apianalytics.core.RequestMapper;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;

/** Mappers are beans named after the {@code Config} setting they replace. */
@Factory
class AnalyticsMappers {

    /** The client address as a trusted proxy reports it. */
    @Bean
    @Named("getIpAddress")
    RequestMapper ipAddress() {
        return RequestMapper.forwardedFor();
    }

    @Bean
    @Named("getUserId")
    RequestMapper userId() {
        return RequestMapper.header("X-User-Id");
    }
}
