package dev.apianalytics.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The target, on default flags: 1,000 connections held open from 20 client addresses,
 * half sending one byte of a request and then nothing, half trickling a byte every 5 s,
 * alongside normal traffic. Health answers stay fast, posts stay 201, every held connection is
 * closed by the header deadline (not before it), and threads and file descriptors stay bounded.
 * Prints the figures quoted in docs/reliability.md.
 */
@Isolated("counts the JVM's threads and file descriptors, and times /api/health by the clock")
class ThousandIdleConnectionsTest {

    private static final int CONNECTIONS = 1_000;
    private static final int ADDRESSES = 20;
    private static final long DEADLINE_MILLIS = ServerConfig.DEFAULT_HEADER_TIMEOUT.toMillis();
    /** How late past the deadline a loaded 2-core machine may close a connection. */
    private static final long MARGIN_MILLIS = 15_000;

    @TempDir
    Path dataDir;

    @Test
    void aThousandHeldConnectionsDoNotStopTheCollector() throws Exception {
        long fdsBefore = openFileDescriptors();
        int threadsBefore = Thread.activeCount();
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).postsPerMinute(1_000_000).build());
                Selector selector = Selector.open()) {
            Http http = new Http(server.url());
            String key = http.newKey();
            Map<SocketChannel, Long> openedAt = new HashMap<>();
            List<SocketChannel> tricklers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.1." + (1 + i % ADDRESSES)), 0));
                channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
                openedAt.put(channel, System.nanoTime());
                channel.write(ByteBuffer.wrap("G".getBytes(StandardCharsets.US_ASCII)));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);
                if (i % 2 == 1) {
                    tricklers.add(channel);
                }
            }
            long fdsHeld = openFileDescriptors();
            System.out.printf("opened %d connections in %d ms%n", CONNECTIONS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt.values().stream().min(Long::compare).orElseThrow()));
            int threadsHeld = Thread.activeCount();

            // normal traffic meanwhile: a health check every 20 ms, a post every 200 ms
            List<Long> healthMillis = Collections.synchronizedList(new ArrayList<>());
            List<Long> postMillis = Collections.synchronizedList(new ArrayList<>());
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean traffic = new AtomicBoolean(true);
            Thread health = traffic(traffic, 20, () -> timed(healthMillis, statuses, () -> http.get("/api/health")));
            Thread posts = traffic(traffic, 200,
                    () -> timed(postMillis, statuses, () -> http.post("/api/log-request", HttpLayerTest.batch(key))));

            Map<SocketChannel, Long> closedAfter = new HashMap<>();
            long started = System.nanoTime();
            long nextTrickle = started + TimeUnit.SECONDS.toNanos(5);
            String trickle = "ET / HTTP/1.1\r\n";
            int trickled = 0;
            ByteBuffer sink = ByteBuffer.allocate(4096);
            long end = started + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS + MARGIN_MILLIS);
            while (closedAfter.size() < CONNECTIONS && System.nanoTime() < end) {
                if (System.nanoTime() > nextTrickle) {
                    for (SocketChannel channel : tricklers) {
                        if (channel.isOpen()) {
                            write(channel, trickle.substring(trickled % trickle.length(), trickled % trickle.length() + 1));
                        }
                    }
                    trickled++;
                    nextTrickle += TimeUnit.SECONDS.toNanos(5);
                }
                selector.select(100);
                for (SelectionKey ready : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) ready.channel();
                    sink.clear();
                    int read;
                    try {
                        read = channel.read(sink);
                    } catch (IOException reset) {
                        read = -1;
                    }
                    if (read < 0) {
                        closedAfter.put(channel, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt.get(channel)));
                        ready.cancel();
                        channel.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            traffic.set(false);
            health.join();
            posts.join();
            for (SocketChannel channel : openedAt.keySet()) {
                channel.close();
            }
            selector.selectNow(); // a channel registered with a selector gives its descriptor back here
            long fdsAfter = openFileDescriptors();

            Collections.sort(healthMillis);
            assertThat(statuses).as("answers to the normal traffic").containsOnly(200, 201);
            List<Long> closes = closedAfter.values().stream().sorted().toList();
            System.out.printf("%d held connections: closed %d, after %d-%d ms (deadline %d ms); /api/health %d calls, "
                            + "p50 %d ms, p99 %d ms, max %d ms; %d posts 201 (slowest %d ms); file descriptors %d before, %d held, %d after; "
                            + "threads %d before, %d held%n",
                    CONNECTIONS, closes.size(), closes.isEmpty() ? -1 : closes.get(0),
                    closes.isEmpty() ? -1 : closes.get(closes.size() - 1), DEADLINE_MILLIS, healthMillis.size(),
                    percentile(healthMillis, 50), percentile(healthMillis, 99), healthMillis.get(healthMillis.size() - 1),
                    postMillis.size(), postMillis.stream().mapToLong(Long::longValue).max().orElse(-1), fdsBefore, fdsHeld, fdsAfter, threadsBefore, threadsHeld);

            assertThat(closes).as("connections the server closed").hasSize(CONNECTIONS);
            assertThat(closes.get(0)).as("none closed before its header deadline").isGreaterThan(DEADLINE_MILLIS - 1_000);
            assertThat(closes.get(closes.size() - 1)).isLessThan(DEADLINE_MILLIS + MARGIN_MILLIS);
            assertThat(percentile(healthMillis, 99)).as("p99 of /api/health in ms").isLessThan(1_000);
            assertThat(postMillis).isNotEmpty();
            // the server side of each held connection is one descriptor; the test's own side another
            assertThat(fdsHeld - fdsBefore).isLessThan(2L * CONNECTIONS + 300);
            assertThat(fdsAfter - fdsBefore).as("descriptors left once the connections are gone").isLessThan(300);
            assertThat(threadsHeld - threadsBefore).as("threads while 1,000 connections are held").isLessThan(100);
        }
    }

    private static Thread traffic(AtomicBoolean running, long everyMillis, Runnable call) {
        Thread thread = new Thread(() -> {
            while (running.get()) {
                call.run();
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "normal-traffic");
        thread.start();
        return thread;
    }

    private static void timed(List<Long> millis, List<Integer> statuses, Supplier<Http.Response> call) {
        long started = System.nanoTime();
        int status = call.get().status();
        millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        statuses.add(status);
    }

    private static void write(SocketChannel channel, String text) {
        try {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException closedMeanwhile) {
            // the server cut it: the selector reports that
        }
    }

    private static long percentile(List<Long> sorted, int percent) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * percent / 100.0) - 1));
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
