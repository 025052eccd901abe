package dev.apianalytics.server;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar api-analytics-server.jar [options]}; see {@code --help}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.print(ServerFlags.usage());
            return;
        }
        quietLibraries();
        ServerConfig config;
        try {
            config = ServerFlags.parse(arguments, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("api-analytics-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        CollectorServer server;
        try {
            server = CollectorServer.start(config);
        } catch (Exception e) {
            System.err.println("api-analytics-server: cannot start: " + (e.getMessage() != null ? e.getMessage() : e));
            System.exit(1);
            return;
        }
        System.out.println("API Analytics collector listening on " + server.url() + " (bound to " + config.bind()
                + ":" + server.port() + "); data in " + server.storage().describe());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "api-analytics-shutdown"));
        stopped.await();
    }

    /** One-line log records. */
    private static void quietLibraries() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        }
    }
}
