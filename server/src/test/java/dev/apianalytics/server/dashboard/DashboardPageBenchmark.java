package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.StoredRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times, in headless chromium, from navigation to every panel drawn for a key with N rows over
 * the last 7 days. Not a test: run it by hand, see docs/dashboard.md.
 *
 * <pre>
 * java -cp ... dev.apianalytics.server.dashboard.DashboardPageBenchmark 1000000 5
 * </pre>
 */
public final class DashboardPageBenchmark {

    private DashboardPageBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path directory = Files.createTempDirectory("dashboard-page-benchmark");
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(directory).build())) {
            String key = ApiKeys.newKey();
            long keyId = server.storage().createKey(ApiKeys.hash(key), Instant.now());
            seed(server, keyId, rows);
            // as a running collector has them: every hour older than a quarter of an hour summarised
            server.summarise();
            try (Browser browser = Browser.start("UTC")) {
                browser.open(server.url() + "/");
                browser.script("sessionStorage.setItem('apiAnalyticsKey', arguments[0])", key);
                double[] millis = new double[runs];
                for (int run = 0; run < runs; run++) {
                    browser.open(server.url() + "/dashboard");
                    browser.awaitLoadAfter(0);
                    // the page's own clock: from navigation start to the end of the first render
                    millis[run] = Double.parseDouble(String.valueOf(browser.script("return document.body.dataset.drawnAt")));
                }
                Arrays.sort(millis);
                System.out.printf("%,d rows: navigation to every panel drawn, median %.0f ms, best %.0f ms (%d runs)%n",
                        rows, millis[runs / 2], millis[0], runs);
            }
        } finally {
            TestFiles.deleteRecursively(directory);
        }
    }

    private static void seed(CollectorServer server, long keyId, int rows) throws Exception {
        Random random = new Random(5);
        String[] routes = {"/v1/users/{id}", "/v1/orders", "/v2/products/{sku}", "/health"};
        String[] countries = {"US", "GB", "DE", "FR", "JP", null};
        Instant now = Instant.now();
        long span = Duration.ofDays(7).toMillis();
        for (int done = 0; done < rows; done += 100_000) {
            List<StoredRequest> batch = new ArrayList<>();
            for (int i = done; i < Math.min(rows, done + 100_000); i++) {
                String route = routes[random.nextInt(routes.length)];
                batch.add(new StoredRequest(now.minusMillis(span - (long) ((double) i / rows * span) + 1), "api.example.com",
                        "10.1." + random.nextInt(100) + "." + random.nextInt(250), route.replace("{id}", "42").replace("{sku}", "p1"),
                        route, "GET", random.nextInt(10) == 0 ? 404 : 200, Math.exp(2.5 + random.nextGaussian()), "agent",
                        "Chrome", "Windows", "desktop", false, countries[random.nextInt(countries.length)], null, "Javalin", null));
            }
            server.storage().insertRequests(keyId, batch);
        }
    }
}
