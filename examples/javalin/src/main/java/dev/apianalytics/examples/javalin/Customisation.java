package dev.apianalytics.examples.javalin;

import dev.apianalytics.core.Config;
import dev.apianalytics.core.RequestMapper;

/** The configurations the README shows: mappers and privacy levels. Compiled, so the README cannot drift. */
final class Customisation {

    private Customisation() {}

    static Config mappers() {
        Config config = Config.builder("<API-KEY>")
                .ipAddress(request -> request.header("X-Forwarded-For") != null
                        ? request.header("X-Forwarded-For")
                        : request.remoteAddress())
                .userAgent(request -> request.header("User-Agent"))
                .build();
        return config;
    }

    static Config behindProxy() {
        Config config = Config.builder("<API-KEY>")
                .ipAddress(RequestMapper.forwardedFor()) // first X-Forwarded-For entry, else the peer
                .build();
        return config;
    }

    static Config excludedPaths() {
        Config config = Config.builder("<API-KEY>")
                .excludePaths("/health", "/actuator/**", "*.css") // Ant-style patterns
                .build();
        return config;
    }

    static Config privacy() {
        Config config = Config.builder("<API-KEY>")
                .privacyLevel(2) // Disable IP storing and location inference
                .build();
        return config;
    }

    static Config userId() {
        Config config = Config.builder("<API-KEY>")
                .userId(request -> request.header("X-AUTH-TOKEN"))
                .build();
        return config;
    }

    static Config collector() {
        Config config = Config.builder("<API-KEY>")
                .serverUrl("https://analytics.example.com") // default http://localhost:8421
                .build();
        return config;
    }
}
