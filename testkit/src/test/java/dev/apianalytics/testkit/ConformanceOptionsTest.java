package dev.apianalytics.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.testkit.AbstractConformanceTest.Options;
import org.junit.jupiter.api.Test;

/** What an adapter's options change in the suite's expectations. */
class ConformanceOptionsTest {

    @Test
    void byDefaultEveryEndpointIsRequestedAndRecordedUnderItsTemplate() {
        Options options = Options.of("Test", Object.class);

        assertThat(options.served()).containsExactly(Endpoint.values());
        assertThat(options.route(Endpoint.USER)).isEqualTo("/users/{id}");
        assertThat(options.route(Endpoint.HELLO)).isEqualTo("/hello");
    }

    @Test
    void routesTheFrameworkReportsOtherwiseOrNotAtAllReplaceTheTemplate() {
        Options options = Options.of("Test", Object.class).route(Endpoint.USER, "/users/*").noRoute(Endpoint.BOOM);

        assertThat(options.route(Endpoint.USER)).isEqualTo("/users/*");
        assertThat(options.route(Endpoint.BOOM)).isNull();
        assertThat(options.route(Endpoint.ECHO)).isEqualTo("/echo");
    }

    @Test
    void anEndpointTheFrameworkCannotServeIsNotRequestedButTheOnesTheSuiteBuildsOnAreRequired() {
        Options options = Options.of("Test", Object.class).without(Endpoint.ASYNC);

        assertThat(options.served()).doesNotContain(Endpoint.ASYNC).contains(Endpoint.STREAM);
        assertThatThrownBy(() -> Options.of("Test", Object.class).without(Endpoint.USER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USER");
    }
}
