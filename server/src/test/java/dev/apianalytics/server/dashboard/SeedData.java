package dev.apianalytics.server.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.apianalytics.core.internal.WireFormat;
import dev.apianalytics.server.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Known request rows for a key, posted through the real ingestion endpoint, and what each one
 * should look like after enrichment (country from the IP, client/OS/device from the user agent),
 * so tests can compute every panel on their own.
 */
final class SeedData {

    /** A user agent and what the collector's parser makes of it. */
    record Agent(String userAgent, String client, String os, String device, boolean bot) {}

    /** An IP address and the country the ip-location-db database gives it. */
    record Address(String ip, String country) {}

    record Endpoint(String method, String route, String pathPattern, int weight) {
        String path(Random random) {
            return pathPattern.replace("{n}", Integer.toString(1 + random.nextInt(40)));
        }
    }

    /** One posted row (enriched columns included). */
    record Row(Instant createdAt, String hostname, String ip, String country, String path, String route, String method,
            int status, double responseTime, Agent agent, String userId, String referrer) {
        String endpoint() {
            return route != null ? route : path;
        }

        String user() {
            return userId != null ? userId : ip;
        }

        Row at(Instant instant) {
            return new Row(instant, hostname, ip, country, path, route, method, status, responseTime, agent, userId, referrer);
        }
    }

    static final List<Agent> AGENTS = List.of(
            new Agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
                    + "Safari/537.36", "Chrome", "Windows", "desktop", false),
            new Agent("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
                    + "Safari/605.1.15", "Safari", "macOS", "desktop", false),
            new Agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    + "Version/17.5 Mobile/15E148 Safari/604.1", "Safari", "iOS", "mobile", false),
            new Agent("curl/8.5.0", "curl", "Unknown", "other", false),
            new Agent("python-requests/2.32.3", "python-requests", "Unknown", "other", false),
            new Agent("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot", "Unknown",
                    "bot", true));

    static final List<Address> ADDRESSES = List.of(
            new Address("8.8.8.8", "US"), new Address("8.8.4.4", "US"), new Address("81.2.69.142", "GB"),
            new Address("5.9.0.1", "DE"), new Address("133.242.0.1", "JP"), new Address("51.15.0.1", "FR"),
            new Address("1.1.1.1", "AU"));

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/v1/users/{id}", "/v1/users/{n}", 30),
            new Endpoint("GET", "/v1/orders", "/v1/orders", 20),
            new Endpoint("POST", "/v1/orders", "/v1/orders", 10),
            new Endpoint("GET", "/v2/products/{sku}", "/v2/products/p-{n}", 15),
            new Endpoint("GET", "/health", "/health", 10),
            new Endpoint("GET", null, "/wp-login.php", 5),
            new Endpoint("DELETE", "/v1/users/{id}", "/v1/users/{n}", 4));

    private static final int[] STATUSES = {200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 400, 401, 404, 404, 500, 503};
    private static final String[] USERS = {null, null, "alice", "bob", "carol"};
    private static final String[] REFERRERS = {null, null, null, "https://docs.example.com/", "https://github.com/"};

    private SeedData() {}

    /** {@code count} rows spread over the {@code days} before {@code now}, denser towards now. */
    static List<Row> rows(long seed, int count, Instant now, int days) {
        Random random = new Random(seed);
        int totalWeight = ENDPOINTS.stream().mapToInt(Endpoint::weight).sum();
        List<Row> rows = new ArrayList<>(count);
        long spanMillis = Duration.ofDays(days).toMillis();
        for (int i = 0; i < count; i++) {
            int pick = random.nextInt(totalWeight);
            Endpoint endpoint = ENDPOINTS.get(0);
            for (Endpoint candidate : ENDPOINTS) {
                pick -= candidate.weight();
                if (pick < 0) {
                    endpoint = candidate;
                    break;
                }
            }
            int status = endpoint.route() == null ? 404 : STATUSES[random.nextInt(STATUSES.length)];
            Address address = ADDRESSES.get(random.nextInt(ADDRESSES.size()));
            Agent agent = AGENTS.get(random.nextInt(AGENTS.size()));
            // whole milliseconds, strictly before now, as the wire format carries them
            long ago = 1 + (long) (Math.pow(random.nextDouble(), 1.4) * (spanMillis - 2));
            Instant createdAt = now.minusMillis(ago);
            double responseTime = Math.round(Math.exp(2.5 + random.nextGaussian()) * 1000) / 1000.0;
            rows.add(new Row(createdAt, random.nextInt(4) == 0 ? "staging.example.com" : "api.example.com",
                    address.ip(), address.country(), endpoint.path(random), endpoint.route(), endpoint.method(), status,
                    responseTime, agent, USERS[random.nextInt(USERS.length)], REFERRERS[random.nextInt(REFERRERS.length)]));
        }
        return rows;
    }

    /** Posts the rows in batches through {@code POST /api/log-request} and checks every one was accepted. */
    static void post(Http http, String key, List<Row> rows) {
        post(http, key, rows, 1000);
    }

    /** Posts the rows {@code perPost} at a time. */
    static void post(Http http, String key, List<Row> rows, int perPost) {
        for (int start = 0; start < rows.size(); start += perPost) {
            JsonArray batch = new JsonArray();
            for (Row row : rows.subList(start, Math.min(rows.size(), start + perPost))) {
                JsonObject json = new JsonObject();
                json.addProperty("hostname", row.hostname());
                json.addProperty("ip_address", row.ip());
                json.addProperty("path", row.path());
                json.addProperty("user_agent", row.agent().userAgent());
                json.addProperty("method", row.method());
                json.addProperty("status", row.status());
                json.addProperty("response_time", row.responseTime());
                json.addProperty("user_id", row.userId());
                json.addProperty("created_at", WireFormat.createdAt(row.createdAt().toEpochMilli()));
                if (row.route() != null) {
                    json.addProperty("route", row.route());
                }
                if (row.referrer() != null) {
                    json.addProperty("referrer", row.referrer());
                }
                batch.add(json);
            }
            JsonObject body = new JsonObject();
            body.addProperty("api_key", key);
            body.addProperty("framework", "Javalin");
            body.addProperty("privacy_level", 0);
            body.add("requests", batch);
            Http.Response response = http.postGzip("/api/log-request", body.toString());
            if (response.status() != 201 || response.json().getAsJsonObject().get("rejected").getAsInt() != 0) {
                throw new IllegalStateException("seeding failed: " + response.status() + " " + response.body());
            }
        }
    }
}
