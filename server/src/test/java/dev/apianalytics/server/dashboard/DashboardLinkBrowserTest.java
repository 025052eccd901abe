package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.dashboard.SeedData.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A dashboard shared by its read-only link, in a real browser: the same numbers as by key, no key
 * in the tab, every write endpoint refusing the id, and a regenerated id stopping the old link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class DashboardLinkBrowserTest {

    /** Every panel's text: what a viewer reads off the page. */
    private static final String PANELS = "return Array.from(document.querySelectorAll('#stats, [data-panel]'))"
            + ".map(e => e.innerText).join('\\n')";

    private Path dataDir;
    private CollectorServer server;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        dataDir = Files.createTempDirectory("dashboard-link");
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir).build());
        browser = Browser.start("UTC");
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(dataDir);
    }

    @Test
    void theReadOnlyLinkShowsTheSameNumbersWritesNothingAndStopsWhenRegenerated() {
        Http http = new Http(server.url());
        String key = http.newKey();
        List<Row> rows = SeedData.rows(11, 400, Instant.now(), 20);
        SeedData.post(http, key, rows);

        String byKey = openWithKey(key, "/dashboard?period=30d");
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(DashboardBrowserTest.count(rows.size()));
        browser.find("#share-button").click();
        browser.awaitTrue("document.querySelector('#share-link')");
        String link = browser.find("#share-link").getAttribute("value");
        assertThat(link).startsWith(server.url() + "/dashboard/dash_").doesNotContain(key);
        String id = link.substring(link.lastIndexOf('/') + 1);

        browser.script("sessionStorage.clear()");
        browser.open(link + "?period=30d");
        browser.awaitLoadAfter(0);
        assertThat(browser.script("return sessionStorage.length")).as("no key in the tab").isEqualTo(0L);
        assertThat(browser.text("[data-testid=read-only]")).isEqualTo("Read-only link");
        assertThat(browser.script(PANELS)).as("the same numbers as by key").isEqualTo(byKey);
        assertThat(browser.find("#share-button").isDisplayed()).isFalse();

        assertWritesRefused(http, id, key, rows.size());

        // the key holder regenerates: the old link stops at once, the new one works
        openWithKey(key, "/dashboard?period=30d");
        browser.find("#share-button").click();
        browser.awaitTrue("document.querySelector('#share-link')");
        browser.find("#share-regenerate").click();
        browser.awaitTrue("document.querySelector('#share-link') && document.querySelector('#share-link').value !== arguments[0]"
                .replace("arguments[0]", "'" + link + "'"));
        String renewed = browser.find("#share-link").getAttribute("value");
        browser.script("sessionStorage.clear()");
        browser.open(link);
        browser.awaitTrue("document.body.dataset.state === 'link-refused'");
        assertThat(browser.text("#link-refused")).contains("does not work");
        assertThat(http.get("/api/dashboard", "X-AUTH-TOKEN", id).status()).isEqualTo(401);
        browser.open(renewed + "?period=30d");
        browser.awaitLoadAfter(0);
        assertThat(browser.script(PANELS)).isEqualTo(byKey);

        // turned off: the link stops; the key still reads
        String renewedId = renewed.substring(renewed.lastIndexOf('/') + 1);
        assertThat(http.delete("/api/dashboard-id", "X-AUTH-TOKEN", key).json().getAsJsonObject().get("enabled").getAsBoolean())
                .isFalse();
        assertThat(http.get("/api/dashboard", "X-AUTH-TOKEN", renewedId).status()).isEqualTo(401);
        assertThat(http.get("/api/dashboard", "X-AUTH-TOKEN", key).status()).isEqualTo(200);
    }

    private String openWithKey(String key, String page) {
        browser.open(server.url() + "/");
        browser.script("sessionStorage.setItem('apiAnalyticsKey', arguments[0])", key);
        browser.open(server.url() + page);
        browser.awaitLoadAfter(0);
        return String.valueOf(browser.script(PANELS));
    }

    /** Every endpoint that posts, deletes or changes settings answers the id with a JSON 401 or 403, and nothing changed. */
    private static void assertWritesRefused(Http http, String id, String key, int rows) {
        String batch = "{\"api_key\":\"" + id + "\",\"framework\":\"Javalin\",\"requests\":[{\"path\":\"/x\",\"method\":\"GET\","
                + "\"status\":200,\"response_time\":1}]}";
        List<Http.Response> answers = List.of(
                http.post("/api/log-request", batch),
                http.post("/api/requests", batch),
                http.delete("/api/data", "X-AUTH-TOKEN", id),
                http.delete("/api/key", "X-AUTH-TOKEN", id),
                http.post("/api/monitors", "{\"url\":\"https://example.com/\"}", "X-AUTH-TOKEN", id),
                http.delete("/api/monitors/1", "X-AUTH-TOKEN", id),
                http.get("/api/dashboard-id", "X-AUTH-TOKEN", id),
                http.post("/api/dashboard-id", "{}", "X-AUTH-TOKEN", id),
                http.delete("/api/dashboard-id", "X-AUTH-TOKEN", id),
                http.get("/api/alerts", "X-AUTH-TOKEN", id),
                http.post("/api/alerts/destinations", "{\"url\":\"https://example.com/hook\"}", "X-AUTH-TOKEN", id),
                http.post("/api/alerts/rules", "{\"downAfter\":2}", "X-AUTH-TOKEN", id),
                http.delete("/api/alerts/destinations/1", "X-AUTH-TOKEN", id),
                http.get("/api/data", "X-AUTH-TOKEN", id));
        for (Http.Response answer : answers) {
            assertThat(answer.status()).as("%s", answer.body()).isIn(401, 403);
            assertThat(answer.json().getAsJsonObject().get("message").getAsString()).isNotBlank();
        }
        assertThat(http.get("/api/data?page=100000", "X-AUTH-TOKEN", key).header("X-Total-Count"))
                .isEqualTo(Integer.toString(rows));
        assertThat(http.get("/api/dashboard-id", "X-AUTH-TOKEN", key).json().getAsJsonObject().get("id").getAsString())
                .isEqualTo(id);
    }
}
