package dev.apianalytics.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/** Who may mint keys, how many, and from which address, over real sockets. */
@Isolated("measures the growth of the JVM's heap")
class KeyGenerationTest {

    static final String TOKEN = "a-long-random-admin-token-0123456789";
    private static final String GENERATE = "/api/generate-api-key";

    @TempDir
    Path dataDir;

    @Test
    void tenThousandRequestsFromOneAddressMintAtMostTheLimitAndMemoryStaysFlat() throws Exception {
        int perHour = 20;
        // a clock that stands still: no key is refilled during the run, so the count is exact
        MutableClock clock = new MutableClock(Instant.now());
        try (CollectorServer server = start(base().keysPerHour(perHour).clock(clock))) {
            Http http = new Http(server.url());
            // one key and one post first: the post waits for the user-agent rules, which load in the
            // background at start and would otherwise be counted as growth
            String key = http.newKey();
            assertThat(http.post("/api/log-request", "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":"
                    + "[{\"path\":\"/\",\"method\":\"GET\",\"status\":200,\"response_time\":1}]}").status()).isEqualTo(201);
            long started = System.nanoTime();
            Counts first = hammer(http, 1_000);
            long heapAfterFirst = usedHeapAfterGc();
            Counts rest = hammer(http, 9_000);
            long heapGrowth = usedHeapAfterGc() - heapAfterFirst;
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            assertThat(1 + first.minted.get() + rest.minted.get()).as("with the first key").isEqualTo(perHour);
            assertThat(first.limited.get() + rest.limited.get()).isEqualTo(10_000 - (perHour - 1));
            assertThat(first.other.get() + rest.other.get()).as("every other answer a 429 with Retry-After").isZero();
            assertThat(heapGrowth).as("heap growth over 9,000 more requests, bytes").isLessThan(16L * 1024 * 1024);
            assertThat(seconds).as("the whole run, generous for a loaded 2-core machine").isLessThan(180);
            System.out.printf("10,000 key requests from one address: %d minted, %d x 429, %d s, heap growth %d KB%n",
                    1 + first.minted.get() + rest.minted.get(), first.limited.get() + rest.limited.get(), seconds, heapGrowth / 1024);

            clock.advance(Duration.ofHours(1).dividedBy(perHour));
            assertThat(http.get(GENERATE).status()).as("one more key once one is refilled").isEqualTo(200);
        }
    }

    @Test
    void anUntrustedPeersForwardedForIsIgnoredATrustedOnesIsUsed() throws Exception {
        try (CollectorServer direct = start(base().keysPerHour(2))) {
            Http http = new Http(direct.url());
            assertThat(http.get(GENERATE, "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(200);
            assertThat(http.get(GENERATE, "X-Forwarded-For", "203.0.113.2").status()).isEqualTo(200);
            Http.Response third = http.get(GENERATE, "X-Forwarded-For", "203.0.113.3");
            assertThat(third.status()).as("every request counts against the peer, 127.0.0.1").isEqualTo(429);
            assertThat(third.json().getAsJsonObject().get("message").getAsString()).contains("too many keys");
        }
        try (CollectorServer proxied = start(base().keysPerHour(2).trustedProxies(List.of("127.0.0.0/8", "::1")))) {
            Http http = new Http(proxied.url());
            assertThat(http.get(GENERATE, "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(200);
            assertThat(http.get(GENERATE, "X-Forwarded-For", "198.51.100.9, 203.0.113.1").status()).isEqualTo(200);
            Http.Response limited = http.get(GENERATE, "X-Forwarded-For", "1.2.3.4, 203.0.113.1");
            assertThat(limited.status()).as("a made-up left entry does not reset the limit").isEqualTo(429);
            assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 1_800L);
            assertThat(http.get(GENERATE, "X-Forwarded-For", "203.0.113.2").status()).as("another client").isEqualTo(200);
            assertThat(http.get(GENERATE, "X-Forwarded-For", "2001:db8:1:2::1").status()).isEqualTo(200);
            assertThat(http.get(GENERATE, "X-Forwarded-For", "2001:db8:1:2::ffff").status()).isEqualTo(200);
            assertThat(http.get(GENERATE, "X-Forwarded-For", "2001:db8:1:2:aaaa::1").status())
                    .as("IPv6 counts by /64").isEqualTo(429);
        }
    }

    @Test
    void tokenModeMintsOnlyForTheAdminToken() throws Exception {
        try (CollectorServer server = start(base().keyGeneration(KeyGeneration.TOKEN).adminToken(TOKEN).keysPerHour(3))) {
            Http http = new Http(server.url());
            Http.Response mode = http.get(KeyGenerationApi.MODE_PATH);
            assertThat(mode.status()).isEqualTo(200);
            assertThat(mode.json().getAsJsonObject().get("mode").getAsString()).isEqualTo("token");
            assertThat(mode.body()).doesNotContain(TOKEN);

            assertError(http.post(GENERATE, ""), 401, "admin token");
            assertThat(http.get(GENERATE).header("WWW-Authenticate")).isEqualTo("Bearer");
            assertError(http.post(GENERATE, "", "Authorization", "Bearer " + TOKEN + "x"), 403, "wrong admin token");
            assertError(http.post(GENERATE, "", "Authorization", "Basic " + TOKEN), 401, "admin token");

            Http.Response minted = http.post(GENERATE, "", "Authorization", "Bearer " + TOKEN);
            assertThat(minted.status()).isEqualTo(201);
            String key = minted.json().getAsString();
            assertThat(http.get("/api/data", "X-AUTH-TOKEN", key).status()).as("the key works").isEqualTo(200);
            assertThat(http.get(GENERATE, "Authorization", "bearer " + TOKEN).status()).isEqualTo(201);

            // wrong guesses count against the address: the fourth is past the limit of 3
            assertError(http.post(GENERATE, "", "Authorization", "Bearer guess-2-xxxxxxxxxxxxxxxx"), 403, "wrong");
            assertError(http.post(GENERATE, "", "Authorization", "Bearer guess-3-xxxxxxxxxxxxxxxx"), 403, "wrong");
            Http.Response guessing = http.post(GENERATE, "", "Authorization", "Bearer guess-4-xxxxxxxxxxxxxxxx");
            assertError(guessing, 429, "too many keys");
            assertThat(guessing.header("Retry-After")).isNotNull();
            for (int i = 0; i < 5; i++) {
                assertThat(http.post(GENERATE, "", "Authorization", "Bearer " + TOKEN).status())
                        .as("the admin is never limited").isEqualTo(201);
            }
        }
    }

    @Test
    void offModeMintsForNobody() throws Exception {
        try (CollectorServer server = start(base().keyGeneration(KeyGeneration.OFF))) {
            Http http = new Http(server.url());
            assertError(http.get(GENERATE), 403, "turned off");
            assertError(http.post(GENERATE, "", "Authorization", "Bearer anything-at-all-here"), 403, "turned off");
            assertThat(http.get(KeyGenerationApi.MODE_PATH).json().getAsJsonObject().get("mode").getAsString()).isEqualTo("off");
        }
    }

    @Test
    void anotherSitesImageOrLinkOrAHeadDoesNotMintButItsScriptsAndPlainClientsDo() throws Exception {
        try (CollectorServer server = start(base())) {
            Http http = new Http(server.url());
            assertError(http.get(GENERATE, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "no-cors",
                    "Sec-Fetch-Dest", "image"), 403, "another site");
            assertError(http.post(GENERATE, "", "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate"), 403, "another site");
            assertThat(http.get(GENERATE, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "cors").status()).isEqualTo(200);
            assertThat(http.post(GENERATE, "", "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors").status()).isEqualTo(200);
            assertThat(http.get(GENERATE).status()).isEqualTo(200);
            long keys = server.storage().inactiveKeys(Instant.now().plus(Duration.ofDays(1))).size();
            HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + GENERATE))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(405);
            assertThat(server.storage().inactiveKeys(Instant.now().plus(Duration.ofDays(1)))).as("HEAD minted nothing").hasSize((int) keys);
            assertThat(http.get(KeyGenerationApi.MODE_PATH).json().getAsJsonObject().get("mode").getAsString()).isEqualTo("open");
        }
    }

    private ServerConfig.Builder base() {
        return ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir);
    }

    private static CollectorServer start(ServerConfig.Builder config) throws Exception {
        return CollectorServer.start(config.build());
    }

    static void assertError(Http.Response response, int status, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonObject body = response.json().getAsJsonObject();
        assertThat(body.get("status").getAsInt()).isEqualTo(status);
        assertThat(body.get("message").getAsString()).contains(message);
    }

    private record Counts(AtomicInteger minted, AtomicInteger limited, AtomicInteger other) {}

    /** {@code requests} key requests from 8 threads; counts 200s, 429s with Retry-After, and anything else. */
    private static Counts hammer(Http http, int requests) throws Exception {
        Counts counts = new Counts(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
        AtomicInteger left = new AtomicInteger(requests);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        Http.Response response = (left.get() & 1) == 0 ? http.get(GENERATE) : http.post(GENERATE, "");
                        if (response.status() == 200) {
                            counts.minted.incrementAndGet();
                        } else if (response.status() == 429 && Long.parseLong(response.header("Retry-After")) > 0) {
                            counts.limited.incrementAndGet();
                        } else {
                            counts.other.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(3, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        return counts;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
