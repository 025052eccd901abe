package dev.apianalytics.javalin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.RecordedRequest;
import dev.apianalytics.testkit.RecordingCollector;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only Javalin has: the application's own request loggers and exception handlers beside the plugin. */
class ApiAnalyticsPluginTest {

    private final RecordingCollector collector = RecordingCollector.start();
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stopCollector() {
        collector.close();
    }

    @Test
    void keepsTheApplicationsRequestLoggerAndExceptionHandlersWorking() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Javalin app = Javalin.start(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.startup.showJavalinBanner = false;
            cfg.requestLogger.http((ctx, millis) -> logged.add(ctx.path() + " " + ctx.statusCode()));
            cfg.registerPlugin(new ApiAnalyticsPlugin(
                    Config.builder("plugin-key").serverUrl(collector.url()).flushOnShutdown(false).build()));
            cfg.routes.get("/orders/{id}", ctx -> {
                throw new IllegalArgumentException("order ids are numbers");
            });
            cfg.routes.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(422).result(e.getMessage()));
        });
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/orders/abc")).build(),
                HttpResponse.BodyHandlers.ofString());
        app.stop();

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("order ids are numbers");
        assertThat(logged).containsExactly("/orders/abc 422");
        assertThat(collector.records()).extracting(RecordedRequest::path, RecordedRequest::route, RecordedRequest::status)
                .containsExactly(Tuple.tuple("/orders/abc", "/orders/{id}", 422));
    }
}
