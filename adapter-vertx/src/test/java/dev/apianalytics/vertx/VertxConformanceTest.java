package dev.apianalytics.vertx;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.RoutingContext;

/** The handler on a real Vert.x 5 router. */
class VertxConformanceTest extends AbstractConformanceTest {

    private Vertx vertx;

    VertxConformanceTest() {
        super(Options.of("Vert.x", RoutingContext.class));
    }

    @Override
    protected String startApp(Config config) throws Exception {
        vertx = Vertx.vertx();
        HttpServer server = TestApp.start(vertx, ApiAnalyticsHandler.create(config));
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    protected void stopApp() throws Exception {
        TestApp.await(vertx.close());
    }
}
