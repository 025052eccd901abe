package dev.apianalytics.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Everything the JVM logs at WARNING or above (Javalin and Jetty through slf4j-jdk14, core
 * through {@code System.Logger}, both landing in java.util.logging), and every uncaught
 * exception. Installed once per JVM; tests ask it whether analytics code ever threw into a
 * framework.
 */
final class LogCapture {

    /** Analytics' own logger: its rate-limited warnings are expected, not failures. */
    static final String ANALYTICS_LOGGER = "dev.apianalytics";

    private static final String[] ANALYTICS_PACKAGES = {
        "dev.apianalytics.core.", "dev.apianalytics.javalin.", "dev.apianalytics.servlet.", "dev.apianalytics.vertx.",
    };
    /** The message of the exception {@code LogCaptureTest} throws to prove the capture works; never a failure. */
    static final String CANARY = "log-capture canary";

    private static final List<LogRecord> RECORDS = new CopyOnWriteArrayList<>();
    private static final List<String> UNCAUGHT = new CopyOnWriteArrayList<>();

    static {
        Logger root = Logger.getLogger("");
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    RECORDS.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> UNCAUGHT.add(thread.getName() + ": " + describe(e)));
    }

    private LogCapture() {}

    /** Starts capturing, if not yet. */
    static void install() {
        // the static initialiser did it
    }

    /**
     * Exceptions thrown by analytics code that reached a framework (logged by any logger
     * but analytics' own, with an analytics frame in the stack) and every uncaught exception.
     */
    static List<String> analyticsFailures() {
        List<String> failures = new ArrayList<>(UNCAUGHT);
        for (LogRecord record : frameworkRecordsThrownByAnalytics()) {
            if (!isCanary(record.getThrown())) {
                failures.add(record.getLoggerName() + ": " + record.getMessage() + ": " + describe(record.getThrown()));
            }
        }
        return failures;
    }

    /** How many canary exceptions a framework logged, each as analytics failures would be seen. */
    static long canariesSeen() {
        return frameworkRecordsThrownByAnalytics().stream().filter(record -> isCanary(record.getThrown())).count();
    }

    private static List<LogRecord> frameworkRecordsThrownByAnalytics() {
        return RECORDS.stream()
                .filter(record -> !ANALYTICS_LOGGER.equals(record.getLoggerName()) && thrownByAnalytics(record.getThrown()))
                .toList();
    }

    private static boolean isCanary(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (CANARY.equals(cause.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** The warnings analytics itself logged, as text. */
    static List<String> analyticsWarnings() {
        return RECORDS.stream()
                .filter(record -> ANALYTICS_LOGGER.equals(record.getLoggerName()))
                .map(LogRecord::getMessage)
                .toList();
    }

    /** Every captured warning, for a failure message. */
    static List<String> all() {
        return RECORDS.stream()
                .map(record -> record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage()
                        + (record.getThrown() == null ? "" : " " + record.getThrown()))
                .toList();
    }

    private static boolean thrownByAnalytics(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            for (StackTraceElement frame : cause.getStackTrace()) {
                for (String prefix : ANALYTICS_PACKAGES) {
                    if (frame.getClassName().startsWith(prefix)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        StackTraceElement[] stack = e.getStackTrace();
        return e + (stack.length == 0 ? "" : " at " + stack[0]);
    }
}
