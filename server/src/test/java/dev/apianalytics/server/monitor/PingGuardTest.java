package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.server.TestFiles;
import dev.apianalytics.server.metrics.CollectorMetrics;
import dev.apianalytics.server.monitor.MonitorStore.Monitor;
import dev.apianalytics.server.monitor.MonitorStore.Ping;
import dev.apianalytics.server.net.PublicAddresses;
import dev.apianalytics.server.storage.DuckDbStorage;
import dev.apianalytics.server.summary.SummaryJob;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What a ping does when the target is not what was registered: a name rebound to loopback after
 * registration, a redirect to loopback. Real sockets, real storage, the real scheduler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class PingGuardTest {

    private Path directory;
    private DuckDbStorage storage;
    private MonitorStore store;

    @BeforeAll
    void open() throws Exception {
        directory = Files.createTempDirectory("ping-guard");
        storage = DuckDbStorage.open(directory, SummaryJob.LATE_AFTER);
        storage.migrate(MonitorStore.migrations());
        store = new MonitorStore(storage);
    }

    @AfterAll
    void close() {
        storage.close();
        TestFiles.deleteRecursively(directory);
    }

    @Test
    void aNameRebindingToLoopbackAfterRegistrationIsNotPinged() throws Exception {
        // No DNS server can run here, so the resolver stands in for a rebinding attacker's DNS:
        // a public address for the first lookup (registration), loopback for every later one.
        AtomicInteger lookups = new AtomicInteger();
        PublicAddresses.Resolver rebinding = host -> List.of(InetAddress.getByName(
                lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1"));
        PublicAddresses addresses = new PublicAddresses(false, rebinding, 0, "--monitor-allow-private");
        try (TargetServer target = new TargetServer(); Pinger pinger = new Pinger(addresses)) {
            String url = "http://rebind.example.com:" + target.port() + "/health";
            MonitorExtension.validateUrl(url, addresses); // registration: public, accepted
            Monitor monitor = store.create(1, url, "GET", 30, 2_000, Clock.systemUTC().instant());

            MonitorScheduler scheduler = new MonitorScheduler(store, pinger, Clock.systemUTC(), Duration.ofDays(60),
                    Runnable::run, new CollectorMetrics(), (keyId, monitorId) -> {});
            assertThat(scheduler.tick()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> store.pings(monitor.id()).size() == 1);

            Ping ping = store.pings(monitor.id()).get(0);
            assertThat(ping.up()).isFalse();
            assertThat(ping.status()).isZero();
            assertThat(ping.failure()).startsWith("blocked: rebind.example.com")
                    .contains("resolves to 127.0.0.1, a loopback address");
            assertThat(target.requests()).isZero();
        }
    }

    @Test
    void aRedirectIsRecordedAndNotFollowed() throws Exception {
        // private targets allowed (both servers are on loopback): the redirect is still not followed
        PublicAddresses addresses = new PublicAddresses(true, PublicAddresses.Resolver.system(), 0, "--monitor-allow-private");
        try (TargetServer redirecting = new TargetServer(); TargetServer inside = new TargetServer();
                Pinger pinger = new Pinger(addresses)) {
            redirecting.redirectTo(inside.url("/api/generate-api-key"));
            PingResult result = pinger.ping(redirecting.url("/health"), "GET", Duration.ofSeconds(5)).get(20, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(302);
            assertThat(result.up()).isTrue();
            assertThat(redirecting.requests()).isEqualTo(1);
            assertThat(inside.requests()).isZero();
        }
    }

    @Test
    void anHttpsTargetThatIsNotTlsIsNamedATlsFailureHoweverItEnds() throws Exception {
        // whether the port's plain-text answer or its close reaches the client first, and whether it
        // closes before or after reading the hello, the user has to hear it is a TLS problem
        PublicAddresses addresses = new PublicAddresses(true, PublicAddresses.Resolver.system(), 0, "--monitor-allow-private");
        try (PlainTextPort answering = new PlainTextPort(); PlainTextPort closing = PlainTextPort.closingAfterHello();
                Pinger pinger = new Pinger(addresses)) {
            for (PlainTextPort port : List.of(answering, closing)) {
                for (int i = 0; i < 5; i++) {
                    PingResult result = pinger.ping(port.httpsUrl("/health"), "HEAD", Duration.ofSeconds(10))
                            .get(20, TimeUnit.SECONDS);
                    assertThat(result.up()).isFalse();
                    assertThat(result.failure()).startsWith("tls");
                }
            }
        }
    }

    @Test
    void aLoopbackUrlStoredBeforeTheGuardIsRefusedAtPingTime() throws Exception {
        // monitors registered by an older version stay in the database: the ping checks again
        PublicAddresses addresses = new PublicAddresses(false, PublicAddresses.Resolver.system(), 0, "--monitor-allow-private");
        try (TargetServer target = new TargetServer(); Pinger pinger = new Pinger(addresses)) {
            PingResult result = pinger.ping(target.url("/health"), "GET", Duration.ofSeconds(5)).get(20, TimeUnit.SECONDS);
            assertThat(result.up()).isFalse();
            assertThat(result.failure()).startsWith("blocked: 127.0.0.1, a loopback address");
            assertThat(target.requests()).isZero();
        }
    }
}
