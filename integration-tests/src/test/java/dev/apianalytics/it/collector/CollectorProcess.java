package dev.apianalytics.it.collector;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector as users run it: {@code dev.apianalytics.server.Main} in a JVM of its own, on
 * a free loopback port, so a test can kill it with SIGKILL and start it again on the same data.
 * Everything it prints (log lines included) is kept for assertions.
 */
final class CollectorProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+) ");

    private final Process process;
    private final List<String> output;
    private final String url;

    private CollectorProcess(Process process, List<String> output, String url) {
        this.process = process;
        this.output = output;
        this.url = url;
    }

    /**
     * Starts a collector on {@code dataDir} (DuckDB) or {@code databaseUrl} (PostgreSQL) and
     * waits until it listens. {@code output} collects its lines across restarts.
     */
    static CollectorProcess start(Path dataDir, String databaseUrl, List<String> output, String... extraArgs)
            throws IOException, InterruptedException {
        return start("384m", dataDir, databaseUrl, output, extraArgs);
    }

    /** As {@link #start(Path, String, List, String...)}, with a heap of {@code maxHeap} ({@code -Xmx}). */
    static CollectorProcess start(String maxHeap, Path dataDir, String databaseUrl, List<String> output, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.apianalytics.server.Main",
                "--port", "0", "--bind", "127.0.0.1", "--data-dir", dataDir.toString(), "--posts-per-minute", "1000000"));
        if (databaseUrl != null) {
            command.addAll(List.of("--database-url", databaseUrl));
        }
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // a test JVM that stops (even by Ctrl-C) takes its collectors with it
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "collector-reaper"));
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        listening.complete(matcher.group(1));
                    }
                }
            } catch (IOException ignored) {
                // the process died: its output ends here
            }
            listening.complete(null);
        }, "collector-output");
        reader.setDaemon(true);
        reader.start();
        String url;
        try {
            url = listening.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the collector did not start within 90 s; output:\n" + String.join("\n", output), e);
        }
        if (url == null) {
            throw new IllegalStateException("the collector exited at start-up; output:\n" + String.join("\n", output));
        }
        return new CollectorProcess(process, output, url);
    }

    static List<String> newOutput() {
        return new CopyOnWriteArrayList<>();
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the collector's process has used so far, all its threads together. */
    java.time.Duration cpuTime() {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time on this platform"));
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the collector survived SIGKILL for 30 s");
        }
    }

    /**
     * SIGTERM, returning at once; {@link #exitCode} waits for the end. Sent through the process
     * handle: {@code Process.destroy()} also closes our ends of its pipes, and everything the
     * collector says while it stops (its "stopping" and "stopped") would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** The exit status, once the process has ended within {@code seconds}; null while it runs on. */
    Integer exitCode(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    /** SIGTERM, as a service manager stops it. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        terminate();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    List<String> output() {
        return output;
    }
}
