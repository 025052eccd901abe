package dev.apianalytics.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordingCollector;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A request the adapter cannot read is reported as a tracking failure and never reaches the container. */
class CompletionTest {

    @Test
    void aRequestThatFailsToBeReadIsReportedAndNothingPropagates() {
        IllegalStateException failure = new IllegalStateException("request object the test breaks on purpose");
        HttpServletRequest broken = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    throw failure;
                });
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("dev.apianalytics");
        logger.addHandler(capture);
        try (RecordingCollector collector = RecordingCollector.start();
                ApiAnalytics analytics = ApiAnalytics.create(
                        Config.builder("servlet-key").serverUrl(collector.url()).flushOnShutdown(false).build(),
                        ApiAnalyticsFilter.FRAMEWORK)) {
            assertThatCode(() -> Completion.record(analytics, broken, 200, System.nanoTime(), System.currentTimeMillis()))
                    .doesNotThrowAnyException();
            assertThat(warnings).extracting(LogRecord::getThrown).containsExactly(failure);
        } finally {
            logger.removeHandler(capture);
        }
    }
}
