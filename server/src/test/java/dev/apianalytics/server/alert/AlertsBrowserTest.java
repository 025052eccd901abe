package dev.apianalytics.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestFiles;
import dev.apianalytics.server.dashboard.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/** The monitoring page's alerts section in a real browser: a webhook and a rule set there, and the delivery shown. */
final class AlertsBrowserTest {

    @Test
    void aWebhookAddedOnThePageReceivesTheAlertAndThePageShowsTheDelivery() throws Exception {
        Path dataDir = Files.createTempDirectory("alerts-browser");
        try (CollectorServer server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                        .monitorAllowPrivate(true).build());
                LocalServer api = new LocalServer();
                LocalServer receiver = new LocalServer();
                Browser browser = Browser.start("UTC")) {
            Http http = new Http(server.url());
            String key = http.newKey();
            browser.open(server.url() + "/");
            browser.script("sessionStorage.setItem('apiAnalyticsKey', arguments[0])", key);
            browser.open(server.url() + "/monitoring");
            browser.awaitLoadAfter(0);

            browser.find("#destination-url").sendKeys("http://169.254.169.254/hook");
            browser.find("#destination-add").click();
            browser.awaitTrue("!document.querySelector('#alerts-error').classList.contains('hidden')");
            assertThat(browser.text("#alerts-error")).contains("not allowed");
            browser.find("#destination-url").clear();
            browser.find("#destination-url").sendKeys(receiver.url("/slack-hook"));
            new Select(browser.find("#destination-format")).selectByValue("slack");
            browser.find("#destination-add").click();
            browser.awaitTrue("document.querySelector('[data-testid=destinations] tr')");
            assertThat(browser.text("[data-testid=destinations]")).contains("Slack").doesNotContain("/slack-hook");

            browser.find("#down-after").clear();
            browser.find("#down-after").sendKeys("1");
            browser.find("#rules-save").click();
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/alerts", "X-AUTH-TOKEN", key).json()
                    .getAsJsonObject().getAsJsonObject("rules").get("downAfter").getAsInt() == 1);

            api.answerWith(503);
            http.post("/api/monitors", "{\"url\":\"" + api.url("/health") + "\",\"intervalSeconds\":300,\"timeoutSeconds\":5}",
                    "X-AUTH-TOKEN", key);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received("/slack-hook").size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/alerts", "X-AUTH-TOKEN", key).body()
                    .contains("\"delivered\""));

            browser.open(server.url() + "/monitoring");
            browser.awaitLoadAfter(0);
            browser.awaitTrue("document.querySelector('[data-testid=deliveries] tr')");
            assertThat(browser.find("[data-testid=deliveries] tr").getAttribute("data-state")).isEqualTo("delivered");
            assertThat(browser.text("[data-testid=deliveries]")).contains("is down", "1 attempt", "HTTP 200");
        } finally {
            TestFiles.deleteRecursively(dataDir);
        }
    }
}
