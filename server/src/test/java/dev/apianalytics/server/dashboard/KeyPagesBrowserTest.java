package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.dashboard.SeedData.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Generating a key with one click, and deleting a key's data with a confirmation, in a real browser. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class KeyPagesBrowserTest {

    private Path dataDir;
    private CollectorServer server;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        dataDir = Files.createTempDirectory("key-pages");
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
    void aKeyGeneratedWithOneClickOpensItsDashboardAndItsDataCanBeDeleted() {
        browser.open(server.url() + "/");
        browser.find("#generate-button").click();
        browser.awaitTrue("document.querySelector('#generated-key').textContent.length > 0");
        String key = browser.text("[data-testid=generated-key]");
        assertThat(key).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");

        Http http = new Http(server.url());
        List<Row> rows = SeedData.rows(3, 120, Instant.now(), 3);
        SeedData.post(http, key, rows);

        browser.find("#open-generated").click();
        browser.awaitLoadAfter(0);
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(key);
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(DashboardBrowserTest.count(rows.size()));

        browser.find(".nav a[href='/delete']").click();
        browser.awaitTrue("document.querySelector('#key-input') && document.querySelector('#key-input').value.length > 0");
        assertThat(browser.find("#key-input").getAttribute("value")).isEqualTo(key);
        assertThat(browser.find("#delete-button").isEnabled()).as("disabled until confirmed").isFalse();
        browser.find("#confirm").click();
        browser.find("#delete-button").click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent());
        assertThat(browser.driver().switchTo().alert().getText()).contains("cannot be undone");
        browser.driver().switchTo().alert().accept();
        browser.awaitTrue("document.querySelector('#result.notice.ok')");
        assertThat(browser.text("#result")).contains("Deleted");

        Http.Response data = http.get("/api/data", "X-AUTH-TOKEN", key);
        assertThat(data.status()).isEqualTo(200);
        assertThat(data.json().getAsJsonArray()).isEmpty();
    }
}
