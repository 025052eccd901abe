package dev.apianalytics.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Realistic requests to the demo API: several endpoints, statuses, clients and countries. */
final class Traffic {

    private static final List<String> GETS = List.of(
            "/api/v1/products", "/api/v1/products/{n}", "/api/v1/products/{n}", "/api/v2/products/{n}",
            "/api/v1/search?q=shoes", "/api/v1/inventory", "/api/v1/products/{missing}", "/old-catalogue", "/health", "/no-such-page");

    /** The host the shop's clients ask for, as in the demo's history. */
    private static final String HOSTNAME = History.HOSTNAMES.get(0);
    /** The JDK client sends a Host of our own only when the demo allowed it before its first request. */
    private static final boolean HOST_HEADER_ALLOWED =
            "host".equalsIgnoreCase(System.getProperty("jdk.httpclient.allowRestrictedHeaders"));

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final String baseUrl;

    Traffic(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Sends {@code count} requests one after another; returns how many got an answer. */
    int send(int count) {
        int answered = 0;
        for (int i = 0; i < count; i++) {
            try {
                client.send(next(), HttpResponse.BodyHandlers.discarding());
                answered++;
            } catch (java.io.IOException e) {
                // the demo API is local: a failure here is worth showing, but not fatal
                System.err.println("  request failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answered;
            }
        }
        return answered;
    }

    private HttpRequest next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HttpRequest.Builder request;
        int kind = random.nextInt(100);
        if (kind < 12) {
            request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/orders")).POST(HttpRequest.BodyPublishers.ofString("{}"));
        } else if (kind < 18) {
            request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/checkout")).POST(HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            String path = Visitors.pick(GETS)
                    .replace("{n}", Integer.toString(1 + random.nextInt(40)))
                    .replace("{missing}", Integer.toString(901 + random.nextInt(90)));
            request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        }
        if (HOST_HEADER_ALLOWED) {
            request.header("Host", HOSTNAME);
        }
        request.header("User-Agent", Visitors.pick(Visitors.USER_AGENTS))
                .header("X-Forwarded-For", Visitors.pick(Visitors.ADDRESSES))
                .timeout(Duration.ofSeconds(10));
        if (random.nextInt(4) != 0) {
            request.header("X-User-Id", Visitors.pick(Visitors.USERS));
        }
        return request.build();
    }
}
