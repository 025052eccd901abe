package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.keys.KeyGeneration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The home page in the collector's key generation mode, in a real browser. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class KeyGenerationBrowserTest {

    private static final String TOKEN = "browser-admin-token-4f9d0c2e7a";

    private Path dataDir;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        dataDir = Files.createTempDirectory("key-generation-page");
        browser = Browser.start("UTC");
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        TestFiles.deleteRecursively(dataDir);
    }

    @Test
    void inTokenModeThePageAsksForTheAdminTokenAndMintsWithIt() throws Exception {
        try (CollectorServer server = start(KeyGeneration.TOKEN, "token")) {
            browser.open(server.url() + "/");
            browser.awaitTrue("!document.querySelector('#admin-token-row').classList.contains('hidden')");

            browser.find("#admin-token").sendKeys("not-the-admin-token-at-all");
            browser.find("#generate-button").click();
            browser.awaitTrue("!document.querySelector('#generate-error').classList.contains('hidden')");
            assertThat(browser.text("#generate-error")).contains("wrong admin token");

            browser.find("#admin-token").clear();
            browser.find("#admin-token").sendKeys(TOKEN);
            browser.find("#generate-button").click();
            browser.awaitTrue("document.querySelector('#generated-key').textContent.length > 0");
            String key = browser.text("[data-testid=generated-key]");
            assertThat(key).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(browser.script("return JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie")
                    .toString()).as("the token is kept nowhere but in its field").doesNotContain(TOKEN);
            assertThat(new Http(server.url()).get("/api/data", "X-AUTH-TOKEN", key).status()).as("the key works").isEqualTo(200);
        }
    }

    @Test
    void inOffModeThePageSaysSoAndOffersNoButton() throws Exception {
        try (CollectorServer server = start(KeyGeneration.OFF, "off")) {
            browser.open(server.url() + "/");
            browser.awaitTrue("!document.querySelector('#generation-off').classList.contains('hidden')");
            assertThat(browser.text("#generation-off")).contains("ask its operator");
            assertThat(browser.find("#generate-button").isDisplayed()).isFalse();
        }
    }

    private CollectorServer start(KeyGeneration mode, String dir) throws Exception {
        return CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir.resolve(dir))
                .keyGeneration(mode).adminToken(TOKEN).build());
    }
}
