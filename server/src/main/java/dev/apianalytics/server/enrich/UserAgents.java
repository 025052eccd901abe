package dev.apianalytics.server.enrich;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One user-agent parser per JVM: loading its rules takes seconds, so it starts loading in the
 * background when the first server starts, and is shared by every server in the process.
 */
public final class UserAgents {

    private static volatile CompletableFuture<UserAgentParser> parser;

    private UserAgents() {}

    /** Starts loading the rules if nobody has yet; returns at once. */
    public static void warmUp() {
        if (parser == null) {
            // the rule library logs through log4j-api; without a provider it would complain on stderr
            if (System.getProperty("log4j2.loggerContextFactory") == null) {
                System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
            }
            synchronized (UserAgents.class) {
                if (parser == null) {
                    parser = CompletableFuture.supplyAsync(UserAgentParser::create, runnable -> {
                        Thread thread = new Thread(runnable, "api-analytics-user-agent-rules");
                        thread.setDaemon(true);
                        thread.start();
                    });
                }
            }
        }
    }

    /** The parsed header; waits for the rules on first use. */
    public static UserAgentInfo parse(String userAgent) {
        warmUp();
        try {
            return parser.get().parse(userAgent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UserAgentInfo.EMPTY;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the user-agent parser failed to load", e.getCause());
        }
    }
}
