package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.testkit.RecordingCollector;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With Quarkus Micrometer (here its Prometheus registry), the uploader's meters are in the
 * application's registry and on {@code /q/metrics}, with nothing to write. The application is
 * shared with the other tests of its profile, so the counts are taken before and after a known
 * number of requests, all earlier records flushed first.
 */
@QuarkusTest
@WithTestResource(CollectorResource.class)
class QuarkusMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    RecordingCollector collector;

    @Inject
    ApiAnalyticsFilter filter;

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void theUploadersMetersAreBoundToTheApplicationsRegistry() throws Exception {
        ApiAnalytics analytics = filter.analytics();
        assertThat(analytics.flush(WAIT)).isTrue();
        double enqueued = records("enqueued");
        double sent = records("sent");
        double failed = records("failed");
        double dropped = records("dropped");
        double posts = acceptedPosts();
        int batches = collector.batches().size();

        for (int i = 0; i < 3; i++) {
            assertThat(get("/users/" + i).statusCode()).isEqualTo(200);
        }
        // a request is recorded when its response has ended, a moment after the client has it
        await().atMost(WAIT).until(() -> records("enqueued") - enqueued == 3);
        assertThat(analytics.flush(WAIT)).isTrue();

        assertThat(records("enqueued") - enqueued).isEqualTo(3);
        assertThat(records("sent") - sent).isEqualTo(3);
        assertThat(records("failed")).isEqualTo(failed);
        assertThat(records("dropped")).isEqualTo(dropped);
        assertThat(acceptedPosts() - posts).isEqualTo(collector.batches().size() - batches).isPositive();

        // the uploader may send more (the scrape's own request, say) while the page is written
        double sentBeforeScrape = records("sent");
        String scrape = get("/q/metrics").body();
        Matcher line = Pattern.compile("(?m)^api_analytics_records_total\\{framework=\"Quarkus\",outcome=\"sent\"} (\\S+)$").matcher(scrape);
        assertThat(line.find()).as("the sent records on /q/metrics").isTrue();
        assertThat(Double.parseDouble(line.group(1))).isBetween(sentBeforeScrape, records("sent"));
        assertThat(scrape).contains("api_analytics_post_duration_seconds_count{framework=\"Quarkus\",outcome=\"accepted\"}");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private double records(String outcome) {
        return registry.get("api_analytics.records").tag("outcome", outcome).tag("framework", ApiAnalyticsFilter.FRAMEWORK)
                .functionCounter().count();
    }

    private double acceptedPosts() {
        return registry.get("api_analytics.post.duration").tag("outcome", "accepted").tag("framework", ApiAnalyticsFilter.FRAMEWORK)
                .functionTimer().count();
    }
}
