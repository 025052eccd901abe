package dev.apianalytics.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A month of a growing shop API's traffic, posted to the collector's {@code /api/log-request}
 * with {@code created_at} in the past, exactly as an uploader would have posted it then: the
 * rows go through the real ingestion (validation, countries, user agents) and the summaries.
 *
 * <p>What the month holds: a daily rhythm (quiet nights, busy afternoons, UTC) and a weekly one
 * (quieter weekends), growth from about 40% to 100% of today's volume, three hostnames, a
 * release {@link #RELEASE_DAYS_AGO} days ago that brings {@code /api/v2/products/{id}} and more
 * traffic, an incident {@link #INCIDENT_DAYS_AGO} days ago (an afternoon of 5xx and slow
 * responses), user ids, countries, browsers and tools, and referrers from browsers.
 */
final class History {

    static final int DAYS = 30;
    static final int RELEASE_DAYS_AGO = 12;
    static final int INCIDENT_DAYS_AGO = 8;
    /** The incident's hours, UTC, on its day. */
    static final int INCIDENT_FROM_HOUR = 13;
    static final int INCIDENT_TO_HOUR = 16;
    /** Requests on a weekday at full size (today's volume); the demo posts about 160,000 rows in all. */
    static final int FULL_DAY = 8_000;

    private static final int BATCH = 5_000;

    /** Share of the day's requests in each UTC hour: quiet at night, a peak in the afternoon. */
    private static final double[] HOURS = {
        1.2, 0.8, 0.6, 0.5, 0.5, 0.7, 1.2, 2.2, 3.6, 4.8, 5.6, 6.0,
        6.2, 6.6, 7.0, 7.0, 6.6, 6.0, 5.4, 4.8, 4.2, 3.4, 2.6, 1.8};
    private static final double HOURS_TOTAL = java.util.Arrays.stream(HOURS).sum();

    static final List<String> HOSTNAMES = List.of("api.shop.example", "eu.api.shop.example", "staging.api.shop.example");

    private static final List<String> REFERRERS = List.of(
            "https://www.google.com/", "https://shop.example/", "https://news.ycombinator.com/",
            "https://github.com/shop-example/sdk", "https://www.bing.com/", "https://t.co/", "https://duckduckgo.com/");

    private static final List<String> SCANS = List.of("/wp-login.php", "/.env", "/admin", "/phpmyadmin/index.php", "/.git/config");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String collectorUrl;
    private final String apiKey;
    /** 1 for the demo; tests post a smaller month. */
    private final double scale;
    /** Seeded: every run of the demo draws the same month, relative to its start. */
    private final Random random = new Random(2026);

    History(String collectorUrl, String apiKey, double scale) {
        this.collectorUrl = collectorUrl;
        this.apiKey = apiKey;
        this.scale = scale;
    }

    /** Posts {@link #DAYS} days before {@code now}, in gzipped batches; returns how many rows were accepted. */
    long backfill(Instant now) throws IOException, InterruptedException {
        Instant from = now.minus(DAYS, ChronoUnit.DAYS);
        Batch batch = new Batch();
        long accepted = 0;
        for (Instant hour = from.truncatedTo(ChronoUnit.HOURS); hour.isBefore(now); hour = hour.plus(1, ChronoUnit.HOURS)) {
            int count = requestsIn(hour, now);
            for (int i = 0; i < count; i++) {
                Instant at = hour.plusMillis(random.nextInt(3_600_000));
                if (at.isBefore(from) || !at.isBefore(now)) {
                    continue;
                }
                batch.add(request(at, now));
                if (batch.rows == BATCH) {
                    accepted += post(batch.finish());
                    batch = new Batch();
                }
            }
        }
        if (batch.rows > 0) {
            accepted += post(batch.finish());
        }
        return accepted;
    }

    /** The expected number of requests in one hour, with some noise. */
    private int requestsIn(Instant hour, Instant now) {
        double daysAgo = Duration.between(hour, now).toMinutes() / 1440.0;
        double growth = 0.4 + 0.6 * (DAYS - daysAgo) / DAYS;
        double release = daysAgo < RELEASE_DAYS_AGO ? 1.15 : 1;
        DayOfWeek day = hour.atZone(ZoneOffset.UTC).getDayOfWeek();
        double week = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? 0.55 : day == DayOfWeek.FRIDAY ? 0.9 : 1;
        double share = HOURS[hour.atZone(ZoneOffset.UTC).getHour()] / HOURS_TOTAL;
        double noise = 0.85 + 0.3 * random.nextDouble();
        return (int) Math.round(FULL_DAY * scale * growth * release * week * share * noise);
    }

    private String request(Instant at, Instant now) {
        double daysAgo = Duration.between(at, now).toMinutes() / 1440.0;
        boolean released = daysAgo < RELEASE_DAYS_AGO;
        boolean incident = isIncident(at, now);
        // a growing customer base: more distinct users towards the end of the month
        int customers = (int) (150 + 350 * (DAYS - daysAgo) / DAYS);
        int customer = skewed(customers);
        Random person = new Random(customer);
        String address = address(person);
        String agent = Visitors.USER_AGENTS.get(skewed(person, Visitors.USER_AGENTS.size() - 1));
        String userId = customer < Visitors.USERS.size() ? Visitors.USERS.get(customer) : "customer-" + (1000 + customer);
        String hostname = HOSTNAMES.get(random.nextInt(100) < 72 ? 0 : random.nextInt(100) < 80 ? 1 : 2);

        String method = "GET";
        String route;
        String path;
        int status = 200;
        double millis;
        int kind = random.nextInt(100);
        if (kind < 3) {
            // scanners and crawlers: no user, a bot's or a script's agent
            path = SCANS.get(random.nextInt(SCANS.size()));
            route = null;
            status = 404;
            millis = 1 + random.nextDouble() * 2;
            userId = null;
            agent = random.nextBoolean() ? Visitors.USER_AGENTS.get(Visitors.USER_AGENTS.size() - 1) : "python-requests/2.32.3";
        } else if (kind < 8) {
            route = "/health";
            path = route;
            millis = 0.3 + random.nextDouble();
            userId = null;
            agent = "Go-http-client/2.0";
        } else if (kind < 18) {
            method = "POST";
            route = "/api/v1/orders";
            path = route;
            status = random.nextInt(100) < 4 ? 401 : 201;
            millis = lognormal(35);
        } else if (kind < 23) {
            method = "POST";
            route = "/api/v1/checkout";
            path = route;
            status = random.nextInt(100) < 2 ? 502 : 200;
            millis = lognormal(180);
        } else if (kind < 35) {
            route = "/api/v1/search";
            path = route;
            millis = lognormal(45);
        } else if (kind < 50) {
            route = "/api/v1/products";
            path = route;
            millis = lognormal(12);
        } else if (kind < 54) {
            route = "/api/v1/inventory";
            path = route;
            status = random.nextInt(100) < 3 ? 503 : 200;
            millis = lognormal(20);
        } else if (kind < 56) {
            route = "/old-catalogue";
            path = route;
            status = 302;
            millis = lognormal(1);
        } else {
            // after the release, clients move to v2 over a few days
            boolean v2 = released && random.nextDouble() < Math.min(0.7, (RELEASE_DAYS_AGO - daysAgo) / 6);
            int id = 1 + skewed(60);
            route = v2 ? "/api/v2/products/{id}" : "/api/v1/products/{id}";
            path = route.replace("{id}", Integer.toString(random.nextInt(100) < 5 ? 901 + random.nextInt(90) : id));
            status = path.matches(".*/9\\d\\d") ? 404 : 200;
            millis = lognormal(v2 ? 6 : 9);
        }
        if (incident && route != null && route.startsWith("/api/")) {
            // the database behind the shop struggled: slow answers, and many failed
            millis = millis * 15 + random.nextDouble() * 2_000;
            if (random.nextInt(100) < 50) {
                status = random.nextInt(3) == 0 ? 500 : 503;
            }
        }
        if (random.nextInt(4) == 0) {
            userId = null;
        }
        String referrer = agent.startsWith("Mozilla/5.0 (") && !agent.contains("bot") && random.nextInt(100) < 45
                ? REFERRERS.get(skewed(REFERRERS.size())) : null;
        return row(hostname, address, path, route, agent, method, status, millis, userId, at, referrer);
    }

    /** True in the incident's hours, {@link #INCIDENT_DAYS_AGO} days before {@code now}. */
    static boolean isIncident(Instant at, Instant now) {
        Instant day = now.minus(INCIDENT_DAYS_AGO, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
        return !at.isBefore(day.plus(INCIDENT_FROM_HOUR, ChronoUnit.HOURS))
                && at.isBefore(day.plus(INCIDENT_TO_HOUR, ChronoUnit.HOURS));
    }

    /** A customer's stable address: one of the demo's countries, varied in the last number. */
    private static String address(Random person) {
        String base = Visitors.ADDRESSES.get(skewed(person, Visitors.ADDRESSES.size()));
        return base.substring(0, base.lastIndexOf('.') + 1) + (1 + person.nextInt(250));
    }

    private int skewed(int size) {
        return skewed(random, size);
    }

    /** An index below {@code size}, the first ones far more likely, as real traffic is. */
    private static int skewed(Random random, int size) {
        return Math.min(size - 1, (int) (Math.abs(random.nextGaussian()) * size / 2.5));
    }

    private double lognormal(double median) {
        return median * Math.exp(0.6 * random.nextGaussian());
    }

    private long post(byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(collectorUrl + "/api/log-request"))
                        .header("Content-Type", "application/json")
                        .header("Content-Encoding", "gzip")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("the collector refused the history: HTTP " + response.statusCode() + " " + response.body());
        }
        java.util.regex.Matcher accepted = java.util.regex.Pattern.compile("\"accepted\":(\\d+)").matcher(response.body());
        return accepted.find() ? Long.parseLong(accepted.group(1)) : 0;
    }

    /**
     * One row in the family's wire format. Written here rather than with core's encoder because
     * the history carries a referrer, which the adapters do not send. The values are the demo's
     * own, so only quotes and backslashes need escaping.
     */
    private static String row(String hostname, String address, String path, String route, String agent, String method,
            int status, double millis, String userId, Instant at, String referrer) {
        StringBuilder json = new StringBuilder(320).append('{');
        field(json, "hostname", hostname).append(',');
        field(json, "ip_address", address).append(',');
        field(json, "path", path).append(',');
        if (route != null) {
            field(json, "route", route).append(',');
        }
        field(json, "user_agent", agent).append(',');
        field(json, "method", method).append(',');
        json.append("\"status\":").append(status).append(',');
        json.append("\"response_time\":").append(String.format(java.util.Locale.ROOT, "%.3f", millis)).append(',');
        field(json, "user_id", userId).append(',');
        if (referrer != null) {
            field(json, "referrer", referrer).append(',');
        }
        field(json, "created_at", at.truncatedTo(ChronoUnit.MILLIS).toString());
        return json.append('}').toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":");
        return value == null ? json.append("null")
                : json.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }

    /** One post's body, gzipped as it is written. */
    private final class Batch {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Writer out;
        private int rows;

        Batch() {
            try {
                out = new OutputStreamWriter(new GZIPOutputStream(bytes), StandardCharsets.UTF_8);
                out.write("{\"api_key\":\"" + apiKey + "\",\"framework\":\"Javalin\",\"privacy_level\":0,\"requests\":[");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void add(String row) throws IOException {
            if (rows++ > 0) {
                out.write(',');
            }
            out.write(row);
        }

        byte[] finish() throws IOException {
            out.write("]}");
            out.close();
            return bytes.toByteArray();
        }
    }
}
