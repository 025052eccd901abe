package dev.apianalytics.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A plain Vert.x route's path becomes a template once, then comes from the cache. */
class VertxRoutePathTest {

    @Test
    void colonParametersBecomeBracesOncePerRoute() {
        String template = QuarkusRequestView.braces("/users/:id/items/:item_id");

        assertThat(template).isEqualTo("/users/{id}/items/{item_id}");
        assertThat(QuarkusRequestView.braces("/users/:id/items/:item_id")).isSameAs(template);
        assertThat(QuarkusRequestView.braces("/health")).isEqualTo("/health");
    }
}
