package dev.apianalytics.examples.quarkus;

import dev.apianalytics.core.RequestMapper;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** Mappers are beans named after the {@code Config} setting they replace. */
@Singleton
public class AnalyticsMappers {

    /** The client address as a trusted proxy reports it. */
    @Produces
    @Named("getIpAddress")
    RequestMapper ipAddress() {
        return RequestMapper.forwardedFor();
    }

    @Produces
    @Named("getUserId")
    RequestMapper userId() {
        return RequestMapper.header("X-User-Id");
    }
}
