package dev.apianalytics.demo;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one-command demo: starts the collector on its embedded database, issues a key, starts
 * a small API instrumented with the Javalin adapter, gives the key a month of history, two
 * monitors and a webhook for its alerts (a receiver in this process), sends the API a burst of realistic traffic, and keeps both running (with a trickle
 * of traffic and live pings) until Ctrl-C.
 *
 * <p>Options: {@code --port N} (collector, default 8421), {@code --api-port N} (demo API,
 * default 8422), {@code --data-dir DIR} (default ./api-analytics-demo-data),
 * {@code --geo-db FILE} (a country database), {@code --requests N} (the live burst, default 100).
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) throws Exception {
        // the live traffic names the shop's host, as the month of history does
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        DemoOptions options = DemoOptions.parse(args);
        say("Starting the collector on port " + options.port() + " (embedded DuckDB in " + options.dataDir().toAbsolutePath() + ")");
        ServerConfig.Builder serverConfig = collectorConfig(options.port(), options.dataDir());
        if (options.geoDatabase() != null && Files.isRegularFile(options.geoDatabase())) {
            serverConfig.geoDatabase(options.geoDatabase());
            say("Countries from " + options.geoDatabase());
        } else {
            say("No country database found: the Locations panel stays empty (see docs/self-hosting.md)");
        }
        CollectorServer collector;
        try {
            collector = CollectorServer.start(serverConfig.build());
        } catch (java.net.BindException e) {
            System.err.println("Port " + options.port() + " is taken. Stop what uses it, or run the demo with --port <another port>.");
            System.exit(2);
            return;
        }
        String collectorUrl = "http://localhost:" + collector.port();
        String apiKey = generateKey(collectorUrl);
        say("Issued an API key");

        say("Starting the demo API on port " + options.apiPort() + ", instrumented with the Javalin adapter");
        Javalin api = DemoApi.start(apiKey, collectorUrl, options.apiPort(), Monitors.INTERVAL);
        String apiUrl = "http://127.0.0.1:" + api.port();
        AlertReceiver alerts = AlertReceiver.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("Stopping: flushing the last records and closing the collector");
            api.stop();
            collector.close();
            alerts.close();
            stopped.countDown();
        }, "demo-shutdown"));

        say("Posting a month of history (daily and weekly rhythm, growth, a release, an incident) and two monitors...");
        long started = System.nanoTime();
        long rows = backfill(collector, apiKey, apiUrl, alerts.url(), 1, Monitors.INTERVAL);
        say(String.format("%,d requests of the last %d days stored in %.1f s", rows, History.DAYS,
                (System.nanoTime() - started) / 1e9));

        say("Sending " + options.requests() + " live requests from a handful of countries, browsers and tools...");
        Traffic traffic = new Traffic(apiUrl);
        int answered = traffic.send(options.requests());
        say(answered + " requests answered; the adapter ships them in the background");

        System.out.println();
        System.out.println("  Dashboard:  " + collectorUrl + "/dashboard?period=30d");
        System.out.println("  Monitoring: " + collectorUrl + "/monitoring   (alerts go to a webhook in this demo, "
                + "its deliveries listed there)");
        System.out.println("  API key:    " + apiKey + "   (paste it into the dashboard)");
        System.out.println("  Data API:   curl -H 'X-AUTH-TOKEN: " + apiKey + "' '" + collectorUrl + "/api/data?compact=true'");
        System.out.println("  Demo API:   " + apiUrl + "/api/v1/products");
        System.out.println();
        // the dashboard answers from the rows meanwhile; summaries make its long periods fast
        say("Summarising the month's hours for the dashboard...");
        started = System.nanoTime();
        collector.summarise();
        say(String.format("Summaries ready in %.1f s", (System.nanoTime() - started) / 1e9));
        say("Running until Ctrl-C; a request every few seconds and a ping every " + Monitors.INTERVAL.toSeconds()
                + " s keep the dashboard moving");

        while (stopped.getCount() > 0) {
            traffic.send(1);
            Thread.sleep(ThreadLocalRandom.current().nextInt(1_000, 5_000));
        }
    }

    /**
     * The collector the demo embeds, on this machine only; the demo's test starts the same one.
     * Its monitors watch the demo API on 127.0.0.1, a private address, which monitors may reach
     * only where this chain allows it.
     */
    static ServerConfig.Builder collectorConfig(int port, Path dataDir) {
        return ServerConfig.builder()
                .port(port)
                .bind("127.0.0.1")
                .dataDir(dataDir)
                .monitorAllowPrivate(true);
    }

    /**
     * What a month of use would have left: alerts sent to {@code alertUrl}, two monitors of the
     * demo API with their pings (live ones every {@code pingInterval} from now), and the requests
     * of {@link History}, posted through ingestion. Returns the requests stored.
     */
    static long backfill(CollectorServer collector, String apiKey, String apiUrl, String alertUrl, double scale,
            Duration pingInterval) throws Exception {
        Instant now = Instant.now();
        Monitors monitors = new Monitors(collector.url(), apiKey, pingInterval);
        monitors.alertTo(alertUrl);
        Monitors.recordPast(collector.storage(), monitors.add(apiUrl + "/health"), false, now);
        Monitors.recordPast(collector.storage(), monitors.add(apiUrl + "/api/v1/inventory"), true, now);
        return new History(collector.url(), apiKey, scale).backfill(now);
    }

    private static String generateKey(String collectorUrl) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(collectorUrl + "/api/generate-api-key"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the collector did not issue a key: HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body().replace("\"", "").trim();
    }

    static void say(String message) {
        System.out.println("[demo] " + message);
    }

    /** Command-line options with their defaults. */
    record DemoOptions(int port, int apiPort, Path dataDir, Path geoDatabase, int requests) {

        static DemoOptions parse(String[] args) {
            int port = 8421;
            int apiPort = 8422;
            Path dataDir = Path.of("api-analytics-demo-data");
            Path geo = System.getenv("API_ANALYTICS_GEO_DB") == null ? null : Path.of(System.getenv("API_ANALYTICS_GEO_DB"));
            int requests = 100;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(required(args[i], value));
                    case "--api-port" -> apiPort = Integer.parseInt(required(args[i], value));
                    case "--data-dir" -> dataDir = Path.of(required(args[i], value));
                    case "--geo-db" -> geo = Path.of(required(args[i], value));
                    case "--requests" -> requests = Integer.parseInt(required(args[i], value));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (options: --port, --api-port, --data-dir, --geo-db, --requests)");
                }
                i++;
            }
            return new DemoOptions(port, apiPort, dataDir, geo, requests);
        }

        private static String required(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }
}
