package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.StoredRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream's page size, for real: 50,000 rows, oldest first, then the rest. */
class DataApiFullPageTest {

    @TempDir
    Path dataDir;

    @Test
    void pagesHoldFiftyThousandRows() throws Exception {
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1")
                .dataDir(dataDir).build())) {
            Http http = new Http(server.url());
            String key = http.newKey();
            long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
            Instant start = Instant.parse("2025-03-01T00:00:00Z");
            List<StoredRequest> rows = new ArrayList<>();
            for (int i = 50_000; i >= 0; i--) { // stored newest first: the API must sort
                rows.add(new StoredRequest(start.plusMillis(i), "h", null, "/r" + i, null, "GET", 200, 1, null, "Unknown",
                        "Unknown", "other", false, null, null, "Gin", null));
            }
            server.storage().insertRequests(keyId, rows);

            Http.Response first = http.get("/api/data", "X-AUTH-TOKEN", key, "Accept-Encoding", "identity");
            assertThat(first.header("X-Total-Count")).isEqualTo("50001");
            assertThat(first.header("Link")).contains("page=2").endsWith("rel=\"next\"");
            var page = first.json().getAsJsonArray();
            assertThat(page).hasSize(50_000);
            assertThat(page.get(0).getAsJsonObject().get("path").getAsString()).isEqualTo("/r0");
            assertThat(page.get(49_999).getAsJsonObject().get("path").getAsString()).isEqualTo("/r49999");

            Http.Response second = http.get("/api/data?page=2", "X-AUTH-TOKEN", key);
            assertThat(second.header("Link")).isNull();
            assertThat(second.json().getAsJsonArray()).hasSize(1);
            assertThat(second.json().getAsJsonArray().get(0).getAsJsonObject().get("path").getAsString()).isEqualTo("/r50000");
        }
    }
}
