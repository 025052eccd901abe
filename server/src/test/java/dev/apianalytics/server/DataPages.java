package dev.apianalytics.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.keys.ApiKeys;
import dev.apianalytics.server.storage.RequestFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The data API's pages checked against the rows storage holds. */
final class DataPages {

    private DataPages() {}

    /**
     * For each query and the filter it means: every page by number and every page by the previous
     * page's {@code Link} hold exactly the matching rows, oldest first, each once, with the total
     * in {@code X-Total-Count} and a {@code Link} on every page but the last.
     */
    static void assertAreTheRows(CollectorServer server, Http http, String key, Map<String, RequestFilter> filters,
            int pageSize) throws Exception {
        long keyId = server.storage().findKey(ApiKeys.hash(key)).orElseThrow();
        for (Map.Entry<String, RequestFilter> filter : filters.entrySet()) {
            String query = filter.getKey();
            List<String> expected = new ArrayList<>();
            server.storage().readRequests(keyId, filter.getValue(), 0, 1_000, row -> expected.add(row.path()));
            assertThat(expected).as(query).isNotEmpty();
            int pages = (expected.size() + pageSize - 1) / pageSize;

            List<String> byNumber = new ArrayList<>();
            for (int page = 1; page <= pages + 1; page++) {
                Http.Response response = http.get("/api/data?" + query + "&page=" + page, "X-AUTH-TOKEN", key);
                assertThat(response.header("X-Total-Count")).as(query).isEqualTo(Integer.toString(expected.size()));
                assertThat(response.header("Link") != null).as("%s page %d has a next", query, page).isEqualTo(page < pages);
                response.json().getAsJsonArray().forEach(row -> byNumber.add(row.getAsJsonObject().get("path").getAsString()));
                if (page > pages) {
                    assertThat(response.json().getAsJsonArray()).as("one past the last page").isEmpty();
                }
            }
            List<String> byLink = new ArrayList<>();
            List<Instant> times = new ArrayList<>();
            String next = "/api/data?" + query;
            int followed = 0;
            while (next != null) {
                Http.Response response = http.get(next, "X-AUTH-TOKEN", key);
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                response.json().getAsJsonArray().forEach(row -> {
                    byLink.add(row.getAsJsonObject().get("path").getAsString());
                    times.add(Instant.parse(row.getAsJsonObject().get("created_at").getAsString()));
                });
                String link = response.header("Link");
                if (link != null) {
                    assertThat(link).contains("after=").contains("page=" + (followed + 2)).endsWith("; rel=\"next\"");
                    if (!query.isEmpty()) {
                        assertThat(link).contains(query.split("&")[0]);
                    }
                }
                next = link == null ? null : link.substring(link.indexOf(server.url()) + server.url().length(), link.indexOf('>'));
                followed++;
            }
            assertThat(followed).as(query).isEqualTo(pages);
            assertThat(byNumber).as(query).isEqualTo(expected).doesNotHaveDuplicates();
            assertThat(byLink).as(query).isEqualTo(expected);
            assertThat(times).as(query).isSorted();
        }
    }
}
