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
import java.util.concurrent.CountDownLatch;

/**
 * The one-command demo: starts the collector on its embedded database, issues a key, starts
 * a small API instrumented with the Javalin adapter, sends it a burst of realistic traffic,
 * and keeps both running (with a trickle of traffic) until Ctrl-C.
 *
 * <p>Options: {@code --port N} (collector, default 8421), {@code --api-port N} (demo API,
 * default 8422), {@code --data-dir DIR} (default ./api-analytics-demo-data),
 * {@code --geo-db FILE} (a country database), {@code --requests N} (the burst, default 1500).
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) throws Exception {
        DemoOptions options = DemoOptions.parse(args);
        say("Starting the collector on port " + options.port() + " (embedded DuckDB in " + options.dataDir().toAbsolutePath() + ")");
        ServerConfig.Builder serverConfig = ServerConfig.builder()
                .port(options.port())
                .bind("127.0.0.1")
                .dataDir(options.dataDir());
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
        Javalin api = DemoApi.start(apiKey, collectorUrl, options.apiPort());
        String apiUrl = "http://127.0.0.1:" + api.port();

        say("Sending " + options.requests() + " requests from a handful of countries, browsers and tools...");
        Traffic traffic = new Traffic(apiUrl);
        int answered = traffic.send(options.requests());
        say(answered + " requests answered; the adapter ships them in the background");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("Stopping: flushing the last records and closing the collector");
            api.stop();
            collector.close();
            stopped.countDown();
        }, "demo-shutdown"));

        System.out.println();
        System.out.println("  Dashboard:  " + collectorUrl + "/dashboard");
        System.out.println("  API key:    " + apiKey + "   (paste it into the dashboard)");
        System.out.println("  Data API:   curl -H 'X-AUTH-TOKEN: " + apiKey + "' '" + collectorUrl + "/api/data?compact=true'");
        System.out.println("  Demo API:   " + apiUrl + "/api/v1/products");
        System.out.println();
        say("Running until Ctrl-C; a few requests a second keep the dashboard moving");

        while (stopped.getCount() > 0) {
            traffic.send(3);
            Thread.sleep(1_000);
        }
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
            int requests = 1_500;
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
