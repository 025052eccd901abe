package dev.apianalytics.quarkus;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** A route added straight to Quarkus's Vert.x router, next to Quarkus REST. */
@Singleton
public class TestVertxRoutes {

    void addRoutes(@Observes Router router) {
        router.get("/vertx/items/:itemId").handler(ctx -> ctx.end(ctx.pathParam("itemId")));
    }
}
