package dev.apianalytics.benchmarks.load;

import com.sun.net.httpserver.HttpServer;
import dev.apianalytics.core.ApiAnalytics;
import dev.apianalytics.core.Config;
import dev.apianalytics.core.UploaderStats;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of the load benchmark, run in its own JVM: one framework's hello-world app
 * twice, without and with the API Analytics middleware, on two loopback ports, plus a control
 * port that reports the JVM's allocated bytes, its CPU time, the uploader's counters and the
 * time its JIT has spent compiling.
 *
 * <p>Usage: {@code LoadServer <servlet|servlet-ideal|servlet-unsent|javalin|vertx|vertx-ideal|spring|webflux|micronaut|micronaut-ideal> <collectorUrl> [gzip: true|false] [batch size]}. Prints one line
 * {@code READY <withoutPort> <withPort> <controlPort>} when it serves, and stops when its
 * standard input closes.
 */
public final class LoadServer {

    static final String HELLO = "Hello, World!";
    static final byte[] HELLO_BYTES = HELLO.getBytes(StandardCharsets.UTF_8);
    /** The suffix of a framework's name that puts the floor, a bare capture, in place of the middleware. */
    private static final String IDEAL = "-ideal";

    /** One running hello-world app. */
    interface App extends AutoCloseable {
        int port();

        /** The middleware's analytics, or {@code null} for the app without it. */
        ApiAnalytics analytics();

        /** Records enqueued, sent, dropped and failed so far by what the app captures requests with. */
        default long[] counts() {
            UploaderStats stats = analytics().stats();
            return new long[] {stats.enqueued(), stats.sent(), stats.dropped(), stats.failed()};
        }

        @Override
        void close() throws Exception;
    }

    private LoadServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LoadServer <servlet|servlet-ideal|servlet-unsent|javalin|vertx|vertx-ideal|spring|webflux|micronaut|micronaut-ideal> <collectorUrl> [gzip: true|false]");
            System.exit(2);
        }
        String framework = args[0];
        boolean gzip = args.length < 3 || Boolean.parseBoolean(args[2]);
        Config.Builder builder = Config.builder("load-benchmark-key").serverUrl(args[1]).gzip(gzip).flushOnShutdown(false);
        if (args.length >= 4) {
            builder.batchSize(Integer.parseInt(args[3]));
        }
        Config config = builder.build();
        List<App> apps = new ArrayList<>();
        // "vertx-ideal", "servlet-ideal", "micronaut-ideal": the floor, a bare capture (IdealCapture) in place of the middleware;
        // "servlet-unsent": our filter with batches dropped unsent; either is measured against the plain hello world
        boolean ideal = framework.endsWith(IDEAL);
        String base = framework.replaceFirst("-(ideal|unsent)$", "");
        apps.add(start(base, null));
        apps.add(ideal ? startIdeal(base) : start(framework, config));
        App measured = apps.get(1);

        HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        control.createContext("/stats", exchange -> {
            long[] counts = measured.counts();
            long[] threads = threadCounters();
            byte[] body = (threads[0] + " " + threads[1] + " " + processCpuNanos() + " " + counts[0] + " " + counts[1] + " "
                    + counts[2] + " " + counts[3] + " " + threads[2] + " " + compilationMillis()).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        control.start();
        System.out.println("READY " + apps.get(0).port() + " " + apps.get(1).port() + " " + control.getAddress().getPort());
        System.out.flush();

        // the driver closes our standard input to stop us
        while (System.in.read() >= 0) {
            // ignore input
        }
        control.stop(0);
        for (App app : apps) {
            app.close();
        }
        System.exit(0);
    }

    private static App startIdeal(String framework) throws Exception {
        switch (framework) {
            case "vertx":
                return VertxApp.startIdeal();
            case "servlet":
                return JettyServletApp.startIdeal();
            case "micronaut":
                return MicronautApp.startIdeal();
            default:
                throw new IllegalArgumentException("no ideal capture for " + framework
                        + "; use vertx-ideal, servlet-ideal or micronaut-ideal");
        }
    }

    private static App start(String framework, Config config) throws Exception {
        switch (framework) {
            case "servlet":
                return JettyServletApp.start(config);
            case "servlet-unsent":
                return JettyServletApp.startUnsent(config);
            case "javalin":
                return JavalinApp.start(config);
            case "vertx":
                return VertxApp.start(config);
            case "spring":
                return SpringApp.mvc(config);
            case "webflux":
                return SpringApp.webFlux(config);
            case "micronaut":
                return MicronautApp.start(config);
            default:
                throw new IllegalArgumentException("unknown framework " + framework
                        + "; use servlet, servlet-unsent, javalin, vertx, spring, webflux or micronaut");
        }
    }

    /** Time this JVM's JIT has spent compiling so far, in milliseconds: it stops growing once the JVM is warm. */
    static long compilationMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** CPU time this JVM has used so far, all threads: less disturbed by other processes than throughput is. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Bytes allocated so far by every live thread of this JVM, the part of them allocated by the
     * uploader's threads (its worker, and the JDK HttpClient's threads it posts with), and the CPU
     * time those threads have used: unlike throughput, it is not disturbed by the request
     * threads' noise.
     */
    static long[] threadCounters() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long total = 0;
        long uploader = 0;
        long uploaderCpu = 0;
        for (int i = 0; i < ids.length; i++) {
            if (allocated[i] <= 0) {
                continue;
            }
            total += allocated[i];
            String name = infos[i] == null ? "" : infos[i].getThreadName();
            if (name.startsWith("api-analytics") || name.startsWith("HttpClient-")) {
                uploader += allocated[i];
                uploaderCpu += Math.max(0, threads.getThreadCpuTime(ids[i]));
            }
        }
        return new long[] {total, uploader, uploaderCpu};
    }

    static void checkEnabled(ApiAnalytics analytics) throws IOException {
        if (analytics == null || !analytics.enabled()) {
            throw new IOException("the middleware did not start its uploader");
        }
    }
}
