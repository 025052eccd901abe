package dev.apianalytics.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apianalytics.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key's views at once are bounded, each key on its own, and a place is given back when its view ends. */
final class KeyViewsTest {

    @Test
    void oneViewPastTheBoundIsToldToComeBackAndAPlaceFreedLetsItIn() {
        KeyViews views = new KeyViews();
        List<KeyViews.Place> places = new ArrayList<>();
        for (int i = 0; i < KeyViews.PER_KEY; i++) {
            places.add(views.enter(7));
        }
        assertThatThrownBy(() -> views.enter(7)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.headers()).containsEntry("Retry-After", "1");
        });
        try (KeyViews.Place other = views.enter(8)) {
            assertThat(other).as("another key has places of its own").isNotNull();
        }
        places.remove(0).close();
        places.add(views.enter(7));
        places.forEach(KeyViews.Place::close);
        assertThat(views.keysRunning()).as("no key kept once its views ended").isZero();
    }
}
