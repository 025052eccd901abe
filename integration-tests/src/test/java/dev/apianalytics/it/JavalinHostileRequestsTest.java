package dev.apianalytics.it;

import dev.apianalytics.core.Config;

/** Hostile requests against the Javalin 7 plugin. */
class JavalinHostileRequestsTest extends HostileRequestsContract {

    @Override
    ItemsServer start(Config config) {
        return ItemsApp.start(config, true);
    }

    @Override
    String framework() {
        return "Javalin";
    }

    @Override
    String itemsRoute() {
        return "/items/{id}";
    }
}
