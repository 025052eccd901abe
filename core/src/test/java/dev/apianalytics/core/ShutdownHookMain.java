package dev.apianalytics.core;

import java.time.Duration;

/** An application that records a few requests and ends without closing analytics. */
public final class ShutdownHookMain {

    private ShutdownHookMain() {}

    public static void main(String[] args) {
        Config config = Config.builder("test-key")
                .serverUrl(args[0])
                .flushInterval(Duration.ofHours(1))
                .build();
        ApiAnalytics analytics = ApiAnalytics.create(config, "Javalin");
        for (int i = 0; i < 5; i++) {
            analytics.record(TestRequest.get("/hook/" + i), 200, null, System.nanoTime(), System.currentTimeMillis());
        }
        // main returns: only the JVM shutdown hook can deliver these five
    }
}
