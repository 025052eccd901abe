package dev.apianalytics.benchmarks.core;

import dev.apianalytics.core.internal.RequestRecord;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A realistic mix of requests for the uploader's benchmarks: a few routes, agents and statuses,
 * distinct ids, addresses and times, and a user id on a quarter of them.
 */
final class RealisticRecords {

    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "okhttp/4.12.0",
    };
    private static final String[] ROUTES = {"/users/{id}", "/orders/{id}/items", "/health", "/search"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    private static final int[] STATUSES = {200, 200, 200, 201, 204, 301, 400, 404, 500};

    private RealisticRecords() {}

    /**
     * The next record. {@code perRequest} is given each text a server reads afresh from every
     * request (host, address, path, user agent, user id); routes and methods are the framework's
     * own constants and are not.
     */
    static RequestRecord next(SplittableRandom random, long createdAt, UnaryOperator<String> perRequest) {
        String route = ROUTES[random.nextInt(ROUTES.length)];
        String path = route.replace("{id}", Integer.toString(random.nextInt(100_000)));
        return new RequestRecord(
                perRequest.apply("api.example.com"),
                perRequest.apply("203.0." + random.nextInt(256) + "." + random.nextInt(256)),
                perRequest.apply(path),
                route,
                perRequest.apply(USER_AGENTS[random.nextInt(USER_AGENTS.length)]),
                METHODS[random.nextInt(METHODS.length)],
                STATUSES[random.nextInt(STATUSES.length)],
                random.nextInt(200_000),
                random.nextInt(4) == 0 ? perRequest.apply("user-" + random.nextInt(1_000)) : null,
                createdAt);
    }
}
