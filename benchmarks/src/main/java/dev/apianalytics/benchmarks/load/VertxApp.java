package dev.apianalytics.benchmarks.load;

import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.vertx.ApiAnalyticsHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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
    private final IdealCapture ideal;

    private VertxApp(Vertx vertx, int port, ApiAnalyticsHandler handler, IdealCapture ideal) {
        this.vertx = vertx;
        this.port = port;
        this.handler = handler;
        this.ideal = ideal;
    }

    static VertxApp start(Config config) throws Exception {
        Vertx vertx = Vertx.vertx();
        ApiAnalyticsHandler handler = config == null ? null : ApiAnalyticsHandler.create(vertx, config);
        int port = deploy(vertx, handler);
        if (handler != null) {
            LoadServer.checkEnabled(handler.analytics());
        }
        return new VertxApp(vertx, port, handler, null);
    }

    /** The hello world with the floor under any middleware in its place: a bare capture of each request. */
    static VertxApp startIdeal() throws Exception {
        Vertx vertx = Vertx.vertx();
        IdealCapture ideal = new IdealCapture();
        Handler<RoutingContext> capture = ctx -> {
            long startNanos = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            ctx.addEndHandler(done -> ideal.capture(new IdealCapture.Capture(ctx.request().method().name(),
                    ctx.request().path(), ctx.response().getStatusCode(), startNanos, System.nanoTime(), startMillis)));
            ctx.next();
        };
        return new VertxApp(vertx, deploy(vertx, capture), null, ideal);
    }

    /** Deploys one verticle a core serving the hello world behind {@code first} (none when null); returns the port. */
    private static int deploy(Vertx vertx, Handler<RoutingContext> first) throws Exception {
        int port = freePort();
        vertx.deployVerticle(() -> new HelloVerticle(first, port),
                        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return port;
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
    public long[] counts() {
        return ideal == null ? LoadServer.App.super.counts() : ideal.counts();
    }

    @Override
    public void close() throws Exception {
        if (ideal != null) {
            ideal.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static final class HelloVerticle extends VerticleBase {
        private final Handler<RoutingContext> handler;
        private final int port;

        HelloVerticle(Handler<RoutingContext> handler, int port) {
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
