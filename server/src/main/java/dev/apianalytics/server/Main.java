package dev.apianalytics.server;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** {@code java -jar api-analytics-server.jar [options]}; see {@code --help}. */
public final class Main {

    /** Held so the level set on it stays: the JDK keeps loggers only weakly. */
    private static Logger jetty;
    /** Counted down once the collector has said it stopped; see {@link LogsUntilStopped}. */
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                STOPPED.countDown();
            }
        }, "api-analytics-shutdown"));
        // a service manager's SIGTERM asks for an orderly stop, which is no failure: once the hook above has
        // stopped the collector, exit 0 rather than the JVM's 143 (128 + SIGTERM)
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(0));
        STOPPED.await();
    }

    /** One-line log records; Jetty says only what goes wrong; logging lasts until the collector has stopped. */
    private static void quietLibraries() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", LogsUntilStopped.class.getName());
        }
        jetty = Logger.getLogger("org.eclipse.jetty"); // only now: the first logger fixes the log manager
        jetty.setLevel(Level.WARNING);
    }

    /**
     * The JDK's log manager closes every log handler from a shutdown hook of its own, which runs
     * alongside ours: on SIGTERM the collector's "stopping" and "stopped" lines would be lost.
     * This one makes that hook wait (up to a bound) until the collector has stopped.
     */
    public static final class LogsUntilStopped extends LogManager {
        @Override
        public void reset() {
            if (Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName() + "$")) {
                try {
                    STOPPED.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.reset();
        }
    }
}
