package dev.apianalytics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The other tests trust {@link LogCapture} to see an exception from analytics code that
 * reaches the framework; this proves it would: a handler throws an exception whose stack
 * names an analytics class, and the capture must report what Javalin logged about it.
 */
class LogCaptureTest {

    @Test
    void seesAnExceptionFromAnalyticsCodeThatJavalinLogs() throws Exception {
        LogCapture.install();
        Javalin app = Javalin.start(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/canary", ctx -> {
                IllegalStateException canary = new IllegalStateException(LogCapture.CANARY);
                canary.setStackTrace(new StackTraceElement[] {
                    new StackTraceElement("dev.apianalytics.core.ApiAnalytics", "record", "ApiAnalytics.java", 1),
                });
                throw canary;
            });
        });
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/canary")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            await().atMost(Duration.ofSeconds(10)).until(() -> LogCapture.canariesSeen() > 0);
        } finally {
            app.stop();
        }
    }
}
