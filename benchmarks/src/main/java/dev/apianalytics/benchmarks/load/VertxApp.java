package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.vertx.ApiAnalyticsHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/**
 * A hello-world Vert.x 5 Web app, optionally with {@link ApiAnalyticsHandler}, served by one
 * verticle instance per core as Vert.x applications usually are.
 */
final class VertxApp implements LoadServer.App {

    private final Vertx vertx;
    private final int port;
    private final ApiAnalyticsHandler handler;

    private VertxApp(Vertx vertx, int port, ApiAnalyticsHandler handler) {
        this.vertx = vertx;
        this.port = port;
        this.handler = handler;
    }

    static VertxApp start(Config config) throws Exception {
        Vertx vertx = Vertx.vertx();
        ApiAnalyticsHandler handler = config == null ? null : ApiAnalyticsHandler.create(vertx, config);
        int port = freePort();
        vertx.deployVerticle(() -> new HelloVerticle(handler, port),
                        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (handler != null) {
            LoadServer.checkEnabled(handler.analytics());
        }
        return new VertxApp(vertx, port, handler);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public ApiAnalytics analytics() {
        return handler == null ? null : handler.analytics();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static final class HelloVerticle extends VerticleBase {
        private final ApiAnalyticsHandler handler;
        private final int port;

        HelloVerticle(ApiAnalyticsHandler handler, int port) {
            this.handler = handler;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            Router router = Router.router(vertx);
            if (handler != null) {
                router.route().handler(handler);
            }
            router.get("/hello").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end(LoadServer.HELLO));
            router.get("/hello/:id").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end(LoadServer.HELLO));
            return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
        }
    }
}
