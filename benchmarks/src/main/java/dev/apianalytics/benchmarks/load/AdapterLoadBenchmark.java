package dev.apianalytics.benchmarks.load;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput of a hello-world endpoint with and without the API Analytics middleware, per
 * framework, measured side by side: one server JVM per framework serves both variants on two
 * ports, and wrk drives them in alternating pairs (with/without, then without/with, ...). The
 * figure is the median over the pairs of (requests per second with) / (without). Bytes
 * allocated per request come from the server JVM's per-thread allocation counters over each
 * measurement, divided by the requests wrk completed; so is the server JVM's CPU time, a figure
 * that other processes on a shared machine disturb far less than throughput.
 *
 * <p>Options: {@code --frameworks servlet,servlet-ideal,javalin,vertx,vertx-ideal,spring,webflux,micronaut,micronaut-ideal,quarkus --seconds 5 --pairs 5 --warmup 5
 * --warmup-limit 300 --connections 50 --threads 1 --gzip true --variety true --wrk /usr/bin/wrk}; {@code --gzip false} makes the
 * middleware post plain JSON, which shows how much of its cost is compression. With {@code --variety true}
 * wrk sends {@code load/variety.lua}'s mix of paths, queries and user agents, so batches compress as real
 * traffic's do; {@code --variety false} sends one identical request, {@code GET /hello}. {@code --jfr DIR}
 * records each server JVM with Flight Recorder's profiling settings into {@code DIR/<framework>.jfr}, to see
 * where the time goes ({@code jfr print --events jdk.ExecutionSample}). {@code --batch-size N} sets the
 * middleware's batch size (unset: {@code Config}'s default); a framework named {@code servlet@10000} runs with
 * that batch size instead, so that two sizes are measured in one run. The sink offers the compact form, as our collector
 * does, so after its first post the middleware sends that; {@code --compact false} keeps it on the family's JSON,
 * as with another collector. {@code vertx-ideal}, {@code servlet-ideal} and {@code micronaut-ideal} measure the floor
 * under any middleware on Vert.x, the servlet and the Micronaut hello worlds: in place of
 * ours, a bare capture of each request into a bounded queue that a timer drains and discards ({@link IdealCapture}).
 * {@code servlet-unsent} is our servlet filter with an uploader that drops each batch unread: the filter's
 * cost on the request's side alone, without encoding and posting.
 * {@code quarkus} runs the Quarkus hello world of {@code benchmarks-quarkus} in two JVMs of its own, one per variant:
 * without, built with the adapter switched off; with, the adapter and an API key.
 * Each server warms up for {@code --warmup} seconds a variant, then on until its JIT is done, at most
 * {@code --warmup-limit} seconds in all ({@link #warmUp}).
 * {@code --server-jvm-options "-XX:+UseTransparentHugePages"} passes options to the server JVMs.
 * {@code --pin true} (Linux, two cores or more) runs the server JVM on the last core alone and wrk, this driver and
 * its sink on the others, so that load generator and server do not take turns on the same cores: the server's
 * throughput is then bound by its own CPU, and everything the middleware spends, on any of its threads, shows.
 */
public final class AdapterLoadBenchmark {

    /** The JIT's share of a warm-up slice below which a server counts as warm: it compiled 10 s in 10 s while warming. */
    private static final double JIT_QUIET = 0.02;

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** The framework whose hello world runs in JVMs of its own: {@link #QUARKUS_WITHOUT} and {@link #QUARKUS_WITH}. */
    private static final String QUARKUS = "quarkus";
    /** The Quarkus hello world built with the adapter switched off: none of its filters exists. */
    private static final Path QUARKUS_WITHOUT = Path.of("benchmarks-quarkus", "target", "without", "quarkus-run.jar");
    /** The Quarkus hello world with the adapter, started with an API key. */
    private static final Path QUARKUS_WITH = Path.of("benchmarks-quarkus", "target", "quarkus-app", "quarkus-run.jar");

    private final Map<String, String> options;
    private final HttpClient control = HttpClient.newHttpClient();
    private final int cores = Runtime.getRuntime().availableProcessors();
    /** wrk's script for request variety, or {@code null} for one identical request. */
    private Path script;

    private AdapterLoadBenchmark(Map<String, String> options) {
        this.options = options;
    }

    /** One wrk run against one variant. */
    record Measurement(double requestsPerSecond, long requests, long errors, long allocatedBytes, long uploaderBytes,
            long cpuNanos, long uploaderCpuNanos, long compilationMillis) {
        /** Server CPU time per request, in microseconds. */
        double cpuMicrosPerRequest() {
            return requests == 0 ? Double.NaN : cpuNanos / 1000.0 / requests;
        }

        double bytesPerRequest() {
            return requests == 0 ? Double.NaN : (double) allocatedBytes / requests;
        }

        /** The part allocated on the uploader's threads (serialising, gzipping, posting). */
        double uploaderBytesPerRequest() {
            return requests == 0 ? Double.NaN : (double) uploaderBytes / requests;
        }

        /** The part of the CPU time used by the uploader's threads, in microseconds a request. */
        double uploaderCpuMicrosPerRequest() {
            return requests == 0 ? Double.NaN : uploaderCpuNanos / 1000.0 / requests;
        }
    }

    /** The counters the server reports. */
    record ServerStats(long allocatedBytes, long uploaderBytes, long cpuNanos, long enqueued, long sent, long dropped,
            long failed, long uploaderCpuNanos, long compilationMillis) {}

    /** Everything measured for one framework. */
    record Result(String framework, List<Measurement> without, List<Measurement> with, ServerStats last) {
        List<Double> ratios() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < with.size(); i++) {
                ratios.add(with.get(i).requestsPerSecond() / without.get(i).requestsPerSecond());
            }
            return ratios;
        }

        /** Per pair, server CPU per request without / with: the throughput ratio a CPU-bound server would reach. */
        List<Double> cpuRatios() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < with.size(); i++) {
                ratios.add(without.get(i).cpuMicrosPerRequest() / with.get(i).cpuMicrosPerRequest());
            }
            return ratios;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "frameworks", "servlet,javalin,vertx", "seconds", "5", "pairs", "5", "warmup", "5",
                "connections", "50", "threads", "1", "gzip", "true", "variety", "true", "jfr", "",
                "batch-size", ""));
        options.put("warmup-limit", "300");
        options.put("wrk", "/usr/bin/wrk");
        options.put("compact", "true");
        options.put("pin", "false");
        options.put("server-jvm-options", "");
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (!new File(options.get("wrk")).canExecute()) {
            throw new IllegalStateException("wrk not found at " + options.get("wrk") + ": install it (apt-get install wrk)"
                    + " or pass --wrk <path>");
        }
        new AdapterLoadBenchmark(options).run();
    }

    private void run() throws Exception {
        if (pinned()) {
            // this driver's threads (the sink among them) share the load generator's cores
            exec("taskset", "-a", "-p", "-c", loadCores(), Long.toString(ProcessHandle.current().pid()));
        }
        if (Boolean.parseBoolean(options.get("variety"))) {
            script = Files.createTempFile("variety", ".lua");
            script.toFile().deleteOnExit();
            try (var in = AdapterLoadBenchmark.class.getResourceAsStream("/load/variety.lua")) {
                Files.write(script, in.readAllBytes());
            }
        }
        List<Result> results = new ArrayList<>();
        try (CollectorSink sink = CollectorSink.start(Boolean.parseBoolean(options.get("compact")))) {
            for (String framework : options.get("frameworks").split(",")) {
                results.add(measure(framework.trim(), sink));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "wrk -t%s -c%s, %s s per measurement, %s pairs after at least %s s of warm-up per variant and until the JIT was done,"
                            + " gzip %s, variety %s, compact %s; the collector sink received %d posts, %d bytes (%.1f per record sent)%n%n",
                    options.get("threads"), options.get("connections"), options.get("seconds"), options.get("pairs"),
                    options.get("warmup"), options.get("gzip"), options.get("variety"), options.get("compact"), sink.posts(),
                    sink.bytes(),
                    (double) sink.bytes() / Math.max(1, results.stream().mapToLong(r -> r.last().sent()).sum()));
        }
        System.out.println("| framework | req/s without (median) | req/s with (median) | ratio with/without (median) | ratio min-max"
                + " | server CPU µs/request without | with | of which uploader threads | CPU ratio without/with (median) | CPU ratio min-max"
                + " | bytes/request without | bytes/request with | of which uploader threads | records sent | dropped |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result result : results) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | **%.3f** | %.3f-%.3f | %.1f | %.1f | %.2f | **%.3f** | %.3f-%.3f"
                            + " | %.0f | %.0f | %.0f | %d | %d |%n",
                    result.framework(),
                    median(result.without().stream().map(Measurement::requestsPerSecond).toList()),
                    median(result.with().stream().map(Measurement::requestsPerSecond).toList()),
                    median(result.ratios()),
                    result.ratios().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    result.ratios().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    median(result.without().stream().map(Measurement::cpuMicrosPerRequest).toList()),
                    median(result.with().stream().map(Measurement::cpuMicrosPerRequest).toList()),
                    median(result.with().stream().map(Measurement::uploaderCpuMicrosPerRequest).toList()),
                    median(result.cpuRatios()),
                    result.cpuRatios().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    result.cpuRatios().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    median(result.without().stream().map(Measurement::bytesPerRequest).toList()),
                    median(result.with().stream().map(Measurement::bytesPerRequest).toList()),
                    median(result.with().stream().map(Measurement::uploaderBytesPerRequest).toList()),
                    result.last().sent(), result.last().dropped());
        }
    }

    /** The two variants of one framework, served, and the processes serving them. */
    private record Servers(String without, String with, URI withoutStats, URI withStats, List<Process> processes)
            implements AutoCloseable {
        @Override
        public void close() throws IOException, InterruptedException {
            for (Process process : processes) {
                process.getOutputStream().close(); // LoadServer stops when its standard input closes
                process.destroy(); // a Quarkus application stops on SIGTERM
            }
            for (Process process : processes) {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private Result measure(String framework, CollectorSink sink) throws Exception {
        int at = framework.indexOf('@');
        String batchSize = at < 0 ? options.get("batch-size") : framework.substring(at + 1);
        String name = at < 0 ? framework : framework.substring(0, at);
        try (Servers servers = QUARKUS.equals(name) ? startQuarkus(framework, sink, batchSize) : startLoadServer(framework, name, sink, batchSize)) {
            int seconds = Integer.parseInt(options.get("seconds"));
            warmUp(framework, servers, seconds);
            List<Measurement> withRuns = new ArrayList<>();
            List<Measurement> withoutRuns = new ArrayList<>();
            int pairs = Integer.parseInt(options.get("pairs"));
            for (int pair = 0; pair < pairs; pair++) {
                Measurement a;
                Measurement b;
                if (pair % 2 == 0) {
                    a = measureOne(servers.without(), seconds, servers.withoutStats());
                    b = measureOne(servers.with(), seconds, servers.withStats());
                    withoutRuns.add(a);
                    withRuns.add(b);
                } else {
                    b = measureOne(servers.with(), seconds, servers.withStats());
                    a = measureOne(servers.without(), seconds, servers.withoutStats());
                    withRuns.add(b);
                    withoutRuns.add(a);
                }
                System.out.printf(Locale.ROOT, "%s pair %d: without %.0f req/s (%.1f µs CPU, %.0f B/req),"
                                + " with %.0f req/s (%.1f µs CPU, %.2f of it the uploader's threads, %.0f B/req), ratio %.3f%n",
                        framework, pair + 1, a.requestsPerSecond(), a.cpuMicrosPerRequest(), a.bytesPerRequest(),
                        b.requestsPerSecond(), b.cpuMicrosPerRequest(), b.uploaderCpuMicrosPerRequest(), b.bytesPerRequest(),
                        b.requestsPerSecond() / a.requestsPerSecond());
            }
            return new Result(framework, withoutRuns, withRuns, stats(servers.withStats()));
        }
    }

    /**
     * Runs both variants for {@code --warmup} seconds each, then on in slices of {@code seconds} until
     * the JIT is done: a slice in which the server JVM compiled for less than {@link #JIT_QUIET} of it,
     * on each variant, or {@code --warmup-limit} seconds in all. Pinned to one core, the compiler
     * threads share it with every busy request thread: Spring WebFlux on Tomcat took two minutes of
     * load to reach its compiled speed, at a quarter of it before, so a fixed warm-up measured the JIT.
     */
    private void warmUp(String framework, Servers servers, int seconds) throws Exception {
        System.out.printf(Locale.ROOT, "%s: warming up%n", framework);
        int warmup = Integer.parseInt(options.get("warmup"));
        int limit = Integer.parseInt(options.get("warmup-limit"));
        int spent = 0;
        int slice = warmup;
        while (true) {
            double without = measureOne(servers.without(), slice, servers.withoutStats()).compilationMillis() / (slice * 1000.0);
            double with = measureOne(servers.with(), slice, servers.withStats()).compilationMillis() / (slice * 1000.0);
            spent += 2 * slice;
            if (without < JIT_QUIET && with < JIT_QUIET) {
                System.out.printf(Locale.ROOT, "%s: warm after %d s (the JIT compiled for %.1f%% and %.1f%% of the last slices)%n",
                        framework, spent, 100 * without, 100 * with);
                return;
            }
            if (spent >= limit) {
                System.out.printf(Locale.ROOT, "  warning: %s still compiling after %d s of warm-up (%.1f%% and %.1f%% of the last"
                        + " slices): its figures include the JIT's warm-up; raise --warmup-limit%n", framework, spent, 100 * without,
                        100 * with);
                return;
            }
            slice = seconds;
        }
    }

    /** A server JVM's command up to its class path: pinned, sized, with the options and the recording asked for. */
    private List<String> serverJvm(String recordingName) {
        List<String> command = new ArrayList<>(pinned() ? List.of("taskset", "-c", serverCore()) : List.of());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms512m", "-Xmx512m"));
        String jvmOptions = options.get("server-jvm-options").strip();
        if (!jvmOptions.isEmpty()) {
            command.addAll(List.of(jvmOptions.split("\\s+")));
        }
        if (!options.get("jfr").isEmpty()) {
            command.add("-XX:StartFlightRecording=settings=profile,filename="
                    + Path.of(options.get("jfr"), recordingName + ".jfr").toAbsolutePath());
        }
        return command;
    }

    /** One {@link LoadServer} JVM serving both variants, and its control port. */
    private Servers startLoadServer(String framework, String name, CollectorSink sink, String batchSize) throws IOException {
        List<String> command = serverJvm(framework);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadServer.class.getName(), name, sink.url(),
                options.get("gzip")));
        if (!batchSize.isEmpty()) {
            command.add(batchSize);
        }
        Process server = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
            line = out.readLine();
            if (line == null) {
                server.destroyForcibly();
                throw new IllegalStateException("the " + framework + " server exited before it was ready");
            }
        } while (!line.startsWith("READY "));
        String[] ports = line.split(" ");
        URI stats = URI.create("http://127.0.0.1:" + ports[3] + "/stats");
        return new Servers("http://127.0.0.1:" + ports[1] + "/hello", "http://127.0.0.1:" + ports[2] + "/hello", stats, stats,
                List.of(server));
    }

    /**
     * The Quarkus hello world ({@code benchmarks-quarkus}), an application its Maven plugin
     * assembles, on Vert.x 4: two JVMs of its own on the same core(s), one built with the adapter
     * switched off and one with the middleware. Each answers its own {@code /stats}.
     */
    private Servers startQuarkus(String framework, CollectorSink sink, String batchSize) throws Exception {
        for (Path app : List.of(QUARKUS_WITHOUT, QUARKUS_WITH)) {
            if (!Files.isRegularFile(app)) {
                throw new IllegalStateException(app + " is missing: build it with `mvn -pl benchmarks-quarkus -am package"
                        + " -DskipTests` (benchmarks/run-load.sh does)");
            }
        }
        List<Process> processes = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (boolean withMiddleware : new boolean[] {false, true}) {
                int port = freePort();
                List<String> command = serverJvm(framework + (withMiddleware ? "-with" : "-without"));
                command.add("-Dquarkus.http.port=" + port);
                if (withMiddleware) {
                    command.addAll(List.of("-Dapi-analytics.api-key=load-benchmark-key", "-Dapi-analytics.server-url=" + sink.url(),
                            "-Dapi-analytics.gzip=" + options.get("gzip")));
                    if (!batchSize.isEmpty()) {
                        command.add("-Dapi-analytics.batch-size=" + batchSize);
                    }
                }
                command.addAll(List.of("-jar", (withMiddleware ? QUARKUS_WITH : QUARKUS_WITHOUT).toString()));
                processes.add(new ProcessBuilder(command)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
                ports.add(port);
            }
            Servers servers = new Servers("http://127.0.0.1:" + ports.get(0) + "/hello", "http://127.0.0.1:" + ports.get(1) + "/hello",
                    URI.create("http://127.0.0.1:" + ports.get(0) + "/stats"), URI.create("http://127.0.0.1:" + ports.get(1) + "/stats"),
                    List.copyOf(processes));
            awaitServing(servers.withoutStats(), processes.get(0), framework);
            awaitServing(servers.withStats(), processes.get(1), framework);
            return servers;
        } catch (Exception e) {
            processes.forEach(Process::destroyForcibly);
            throw e;
        }
    }

    private void awaitServing(URI stats, Process process, String framework) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                stats(stats);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the " + framework + " server did not start", notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Measurement measureOne(String url, int seconds, URI stats) throws Exception {
        ServerStats before = stats(stats);
        List<String> command = new ArrayList<>(pinned() ? List.of("taskset", "-c", loadCores()) : List.of());
        command.addAll(List.of(options.get("wrk"), "-t" + options.get("threads"),
                "-c" + options.get("connections"), "-d" + seconds + "s"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        Process wrk = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(seconds + 30L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        ServerStats after = stats(stats);
        long requests = Long.parseLong(find(REQUESTS, output, 1, null));
        double perSecond = Double.parseDouble(find(Pattern.compile("Requests/sec:\\s+([0-9.]+)"), output, 1, null));
        long errors = Long.parseLong(find(NON_2XX, output, 1, "0"));
        Matcher socket = SOCKET_ERRORS.matcher(output);
        if (socket.find()) {
            for (int group = 1; group <= 4; group++) {
                errors += Long.parseLong(socket.group(group));
            }
        }
        if (errors > 0) {
            System.out.println("  warning: " + errors + " errors against " + url + ":\n" + output);
        }
        return new Measurement(perSecond, requests, errors, after.allocatedBytes() - before.allocatedBytes(),
                after.uploaderBytes() - before.uploaderBytes(), after.cpuNanos() - before.cpuNanos(),
                after.uploaderCpuNanos() - before.uploaderCpuNanos(), after.compilationMillis() - before.compilationMillis());
    }

    private boolean pinned() {
        return Boolean.parseBoolean(options.get("pin"));
    }

    /** The core the server runs on when pinned: the last one (counted before this driver pins itself). */
    private String serverCore() {
        if (cores < 2) {
            throw new IllegalStateException("--pin true needs two cores or more; this machine has " + cores);
        }
        return Integer.toString(cores - 1);
    }

    /** The cores the load generator and this driver run on when pinned: all but the server's. */
    private String loadCores() {
        int server = Integer.parseInt(serverCore());
        return server == 1 ? "0" : "0-" + (server - 1);
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private ServerStats stats(URI uri) throws IOException, InterruptedException {
        String body = control.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        long[] values = Arrays.stream(body.trim().split(" ")).mapToLong(Long::parseLong).toArray();
        return new ServerStats(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8]);
    }

    private static String find(Pattern pattern, String text, int group, String fallback) {
        Matcher matcher = pattern.matcher(text);
        if (matcher.find()) {
            return matcher.group(group);
        }
        if (fallback == null) {
            throw new IllegalStateException("no '" + pattern + "' in wrk's output:\n" + text);
        }
        return fallback;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
