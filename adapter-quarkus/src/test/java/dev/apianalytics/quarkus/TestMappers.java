package dev.apianalytics.quarkus;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/** Mappers as a user supplies them: a named bean and a customizer. */
@Singleton
public class TestMappers implements ApiAnalyticsCustomizer {

    static final AtomicInteger IP_MAPPER_CALLS = new AtomicInteger();

    @Produces
    @Named("getUserId")
    RequestMapper userId() {
        return request -> request.unwrap(RoutingContext.class) != null ? request.header("X-User-Id") : null;
    }

    /** The host, except for requests that ask the mapper to fail. */
    @Produces
    @Named("getHostname")
    RequestMapper hostname() {
        return request -> {
            if (request.header("X-Break-Mapper") != null) {
                throw new IllegalStateException("mapper failure the test provokes on purpose");
            }
            return request.host();
        };
    }

    @Override
    public void customize(Config.Builder config) {
        RequestMapper forwardedFor = RequestMapper.forwardedFor();
        config.getIpAddress(request -> {
            IP_MAPPER_CALLS.incrementAndGet();
            return forwardedFor.map(request);
        });
    }
}
