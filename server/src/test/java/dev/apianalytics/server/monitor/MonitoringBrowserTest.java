package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestFiles;
import dev.apianalytics.server.dashboard.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.Select;

/** The monitoring page in a real browser: add a URL, see it up, then see it down with the reason. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class MonitoringBrowserTest {

    private Path directory;
    private MutableClock clock;
    private CollectorServer server;
    private Browser browser;
    private TargetServer target;

    @BeforeAll
    void start() throws Exception {
        directory = Files.createTempDirectory("monitor-browser");
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(directory).clock(clock)
                .monitorAllowPrivate(true).build());
        target = new TargetServer();
        browser = Browser.start("UTC");
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (target != null) {
            target.close();
        }
        if (server != null) {
            server.close();
        }
        TestFiles.deleteRecursively(directory);
    }

    @Test
    void aPersonAddsAUrlAndSeesItGoDown() {
        String key = new Http(server.url()).newKey();
        browser.open(server.url() + "/monitoring");
        browser.find("#key-input").sendKeys(key);
        browser.find("#key-submit").click();
        browser.awaitLoadAfter(0);
        assertThat(browser.text("#usage")).isEqualTo("0 of 10 monitors");

        // a URL that is not http(s) is refused with the server's message
        int loads = browser.loads();
        browser.find("#url").sendKeys("ftp://files.example.com/");
        browser.find("#add-button").click();
        browser.awaitTrue("!document.querySelector('#add-error').classList.contains('hidden')");
        assertThat(browser.text("#add-error")).contains("must start with http:// or https://");
        assertThat(browser.loads()).isEqualTo(loads);

        browser.find("#url").clear();
        browser.find("#url").sendKeys(target.url("/health"));
        new Select(browser.find("#method")).selectByVisibleText("GET");
        new Select(browser.find("#interval")).selectByValue("60");
        new Select(browser.find("#timeout")).selectByValue("2");
        browser.find("#add-button").click();
        browser.awaitLoadAfter(loads);
        assertThat(browser.text("#usage")).isEqualTo("1 of 10 monitors");
        assertThat(browser.text("[data-monitor] h2")).isEqualTo(target.url("/health"));

        await().atMost(Duration.ofSeconds(20)).until(() -> target.requests() >= 1);
        reloadUntil("Up");
        assertThat(browser.text("[data-window='24h'] b")).isEqualTo("100.00%");
        assertThat(browser.text("[data-testid=last-ping]")).contains("HTTP 200");

        // the target slows down past the two-second timeout
        target.answerAfter(4_000);
        clock.advance(Duration.ofSeconds(60));
        reloadUntil("Down");
        assertThat(browser.text("[data-testid=last-ping]")).contains("timeout");
        assertThat(browser.text("[data-window='24h'] b")).isEqualTo("50.00%");
        assertThat(browser.screenshot("monitoring")).isNotEmptyFile();
    }

    /** Reloads the monitor list (as the page does every 30 seconds) until the badge reads {@code state}. */
    private void reloadUntil(String state) {
        // a render between finding the button and clicking it is one more reload, not a failure
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .ignoreException(StaleElementReferenceException.class).until(() -> {
            int loads = browser.loads();
            browser.find("#periods button[data-period='24h']").click();
            browser.awaitLoadAfter(loads);
            return browser.text("[data-testid=state]").equals(state);
        });
    }
}
