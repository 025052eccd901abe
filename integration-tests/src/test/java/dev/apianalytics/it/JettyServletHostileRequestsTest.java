package dev.apianalytics.it;

import dev.apianalytics.core.Config;

/** Hostile requests against the servlet filter on Jetty 12. */
class JettyServletHostileRequestsTest extends HostileRequestsContract {

    @Override
    ItemsServer start(Config config) throws Exception {
        return JettyItemsApp.start(config);
    }

    @Override
    String framework() {
        return "Servlet on Jetty";
    }

    @Override
    String itemsRoute() {
        return "/items/*";
    }
}
