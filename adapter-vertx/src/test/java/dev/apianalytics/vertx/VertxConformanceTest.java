package dev.apianalytics.vertx;

import dev.apianalytics.core.Config;
import dev.apianalytics.testkit.AbstractConformanceTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.RoutingContext;

class VertxConformanceTest extends AbstractConformanceTest {

    private Vertx vertx;

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

    @Override
    protected String expectedFramework() {
        return "Vert.x";
    }

    @Override
    protected Class<?> nativeRequestType() {
        return RoutingContext.class;
    }
}
