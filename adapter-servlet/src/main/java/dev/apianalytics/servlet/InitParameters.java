package dev.apianalytics.servlet;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The filter's configuration from {@code web.xml} init parameters. Each parameter is optional
 * except {@code api-key} (blank disables analytics with a warning); a bad value fails the
 * filter's start with a message naming the parameter.
 */
final class InitParameters {

    private InitParameters() {}

    static Config toConfig(FilterConfig filter) throws ServletException {
        Config.Builder builder = Config.builder(filter.getInitParameter("api-key"));
        try {
            set(filter, "server-url", Function.identity(), builder::serverUrl);
            set(filter, "privacy-level", Integer::parseInt, builder::privacyLevel);
            set(filter, "flush-interval", InitParameters::duration, builder::flushInterval);
            set(filter, "batch-size", Integer::parseInt, builder::batchSize);
            set(filter, "queue-capacity", Integer::parseInt, builder::queueCapacity);
            set(filter, "request-timeout", InitParameters::duration, builder::requestTimeout);
            set(filter, "max-retry-duration", InitParameters::duration, builder::maxRetryDuration);
            set(filter, "shutdown-timeout", InitParameters::duration, builder::shutdownTimeout);
            set(filter, "gzip", InitParameters::bool, builder::gzip);
            set(filter, "flush-on-shutdown", InitParameters::bool, builder::flushOnShutdown);
            set(filter, "ip-address-header", InitParameters::ipHeader, builder::getIpAddress);
            set(filter, "user-id-header", RequestMapper::header, builder::getUserId);
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ServletException("API Analytics filter '" + filter.getFilterName() + "': " + e.getMessage(), e);
        }
    }

    private static <T> void set(FilterConfig filter, String name, Function<String, T> parse, Consumer<T> setter) {
        String value = filter.getInitParameter(name);
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            setter.accept(parse.apply(value.trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("init-param " + name + " has a bad value '" + value + "': " + e.getMessage(), e);
        }
    }

    /** Milliseconds ({@code 500}) or ISO-8601 ({@code PT5S}). */
    private static Duration duration(String value) {
        return value.chars().allMatch(Character::isDigit) ? Duration.ofMillis(Long.parseLong(value)) : Duration.parse(value);
    }

    private static boolean bool(String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("expected true or false");
    }

    /** {@code X-Forwarded-For} takes its first entry; any other header is read as is. */
    private static RequestMapper ipHeader(String name) {
        return name.equalsIgnoreCase("X-Forwarded-For") ? RequestMapper.forwardedFor() : RequestMapper.header(name);
    }
}
