package dev.apianalytics.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.testkit.AbstractConformanceTest;
import dev.apianalytics.testkit.Endpoint;
import dev.apianalytics.testkit.RecordedRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The shared suite plus what only a servlet container does: async timeouts and mapping-based routes. */
abstract class ServletContainerConformanceTest extends AbstractConformanceTest {

    ServletContainerConformanceTest() {
        // a servlet container knows the servlet mapping, not a path-parameter template
        super(Options.of("Servlet", HttpServletRequest.class)
                .route(Endpoint.USER, "/users/*"));
    }

    @Test
    void recordsAnAsyncRequestTheContainerTimedOutOnceWithItsErrorStatus() throws Exception {
        start(config().build());
        HttpResponse<String> response = send(request("/timeout"));
        assertThat(response.statusCode()).isGreaterThanOrEqualTo(500);

        RecordedRequest record = stopAndCollect(1).get(0);
        assertThat(record.path()).isEqualTo("/timeout");
        assertThat(record.route()).isEqualTo("/timeout");
        assertThat(record.status()).isEqualTo(response.statusCode());
        assertThat(record.responseTimeMillis()).isGreaterThanOrEqualTo(BigDecimal.valueOf(TestServlets.ASYNC_TIMEOUT_MILLIS));
    }
}
