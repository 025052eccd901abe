package dev.apianalytics.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Two collectors on one PostgreSQL enforce one set of limits, not two. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedLimitsTest {

    static final int KEYS_PER_HOUR = 6;
    static final int POSTS_PER_MINUTE = 4;

    private final MutableClock clock = new MutableClock(Instant.now());
    private String url;
    private CollectorServer first;
    private CollectorServer second;

    @BeforeAll
    void start() throws Exception {
        url = TestEnvironment.freshPostgresSchemaUrl();
        first = CollectorServer.start(config());
        second = CollectorServer.start(config());
    }

    private ServerConfig config() {
        return ServerConfig.builder().port(0).bind("127.0.0.1").databaseUrl(url).dbPoolSize(3).clock(clock)
                .keysPerHour(KEYS_PER_HOUR).postsPerMinute(POSTS_PER_MINUTE).build();
    }

    @AfterAll
    void stop() {
        for (CollectorServer server : new CollectorServer[] {first, second}) {
            if (server != null) {
                server.close();
            }
        }
        TestEnvironment.dropSchema(url);
    }

    @Test
    void keysPerAddressAndPostsPerKeyAreCountedOnceForBoth() throws Exception {
        List<Http> collectors = List.of(new Http(first.url()), new Http(second.url()));
        int minted = 0;
        String key = null;
        for (int i = 0; i < 20; i++) {
            Http.Response response = collectors.get(i % 2).post("/api/generate-api-key", "");
            if (response.status() == 200) {
                minted++;
                key = response.json().getAsString();
            } else {
                assertThat(response.status()).isEqualTo(429);
                assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1L, 600L);
            }
        }
        assertThat(minted).as("keys minted through both collectors").isEqualTo(KEYS_PER_HOUR);

        String batch = "{\"api_key\":\"" + key + "\",\"framework\":\"Gin\",\"requests\":"
                + "[{\"path\":\"/\",\"method\":\"GET\",\"status\":200,\"response_time\":1}]}";
        int stored = 0;
        for (int i = 0; i < 12; i++) {
            Http.Response response = collectors.get(i % 2).post("/api/log-request", batch);
            if (response.status() == 201) {
                stored++;
            } else {
                assertThat(response.status()).as(response.body()).isEqualTo(429);
                assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1L, 15L);
            }
        }
        assertThat(stored).as("posts accepted by both collectors").isEqualTo(POSTS_PER_MINUTE);

        clock.advance(Duration.ofSeconds(15));
        assertThat(collectors.get(1).post("/api/log-request", batch).status()).as("one post refilled").isEqualTo(201);
        assertThat(collectors.get(0).post("/api/log-request", batch).status()).isEqualTo(429);

        assertThat(buckets()).as("one bucket for the address, one for the key").isEqualTo(2);
        clock.advance(Duration.ofHours(1));
        assertThat(LimitsExtension.dropFullBuckets(first.storage(), clock)).isEqualTo(2);
        assertThat(buckets()).isZero();
        assertThat(collectors.get(0).post("/api/generate-api-key", "").status()).as("a full bucket again").isEqualTo(200);
    }

    private long buckets() throws Exception {
        try (Connection connection = first.storage().connection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM rate_limits")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
