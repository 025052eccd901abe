package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apianalytics.server.CollectorServer;
import dev.apianalytics.server.Http;
import dev.apianalytics.server.MutableClock;
import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.TestEnvironment;
import dev.apianalytics.server.dashboard.SeedData.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard as a person sees it in a real browser: the numbers on screen match the seeded
 * rows, clicking filters narrows them, and the view survives a reload of its URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class DashboardBrowserTest {

    private static final String TIME_ZONE = "Asia/Kolkata";
    private static final ZoneId ZONE = ZoneId.of(TIME_ZONE);

    private Instant now;
    private Path dataDir;
    private CollectorServer server;
    private Browser browser;
    private String key;
    private List<Row> rows;

    @BeforeAll
    void start() throws Exception {
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        dataDir = Files.createTempDirectory("dashboard-browser");
        server = CollectorServer.start(ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir)
                .geoDatabase(TestEnvironment.geoDatabase()).clock(new MutableClock(now)).build());
        Http http = new Http(server.url());
        key = http.newKey();
        rows = SeedData.rows(7, 800, now, 10);
        SeedData.post(http, key, rows);
        browser = Browser.start(TIME_ZONE);
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
    void aPersonOpensTheDashboardFiltersItAndReloadsTheView() {
        // the home page: paste the key, open the dashboard
        browser.open(server.url() + "/");
        browser.find("#key-input").sendKeys(key);
        browser.find("#open-form button[type=submit]").click();
        browser.awaitLoadAfter(0);
        assertThat(browser.driver().getCurrentUrl()).endsWith("/dashboard").doesNotContain(key);

        Instant from = now.minus(Duration.ofDays(7));
        Expected all = expected(from, r -> true);
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(all.requests()));
        assertThat(browser.text("[data-testid=p95] b")).isEqualTo(percentile(all.percentile(0.95)));
        assertThat(browser.text("[data-testid=p50] b")).isEqualTo(percentile(all.percentile(0.5)));
        assertThat(browser.text("[data-testid=users]")).isEqualTo(count(all.distinctIps()));

        String topEndpoint = all.top(r -> r.method() + " " + r.endpoint());
        WebElement firstEndpoint = browser.find("#endpoints tbody tr");
        assertThat(firstEndpoint.findElement(By.cssSelector(".method")).getText() + " "
                + firstEndpoint.findElement(By.cssSelector("td:nth-child(2)")).getText()).isEqualTo(topEndpoint);

        String topCountry = all.top(Row::country);
        WebElement country = browser.find("#countries li");
        assertThat(country.getAttribute("data-key")).isEqualTo(topCountry);
        assertThat(country.getText()).startsWith(new Locale("", topCountry).getDisplayCountry(Locale.ENGLISH));

        // the hour-of-day chart is in the browser's zone, not UTC
        long[] hours = all.hours();
        int busiest = 0;
        for (int h = 1; h < 24; h++) {
            busiest = hours[h] > hours[busiest] ? h : busiest;
        }
        String title = browser.find("#hours .vbar[data-value='" + busiest + "']").getAttribute("title");
        assertThat(title).isEqualTo(String.format("%02d:00: %s requests", busiest, count(hours[busiest])));

        // click the 404 bar in the status panel: every number narrows to 404s
        int loads = browser.loads();
        browser.find("#statuses li[data-key='404']").click();
        browser.awaitLoadAfter(loads);
        Expected notFound = expected(from, r -> r.status() == 404);
        assertThat(browser.driver().getCurrentUrl()).contains("status=404").doesNotContain(key);
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(notFound.requests()));
        assertThat(browser.text("[data-testid=successRate]")).isEqualTo("0.0%");
        assertThat(browser.text("#chips [data-filter=status]")).contains("Status:").contains("404");

        // then a country as well
        String country404 = notFound.top(Row::country);
        loads = browser.loads();
        browser.find("#countries li[data-key='" + country404 + "']").click();
        browser.awaitLoadAfter(loads);
        Expected both = expected(from, r -> r.status() == 404 && r.country().equals(country404));
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(both.requests()));
        assertThat(browser.driver().getCurrentUrl()).contains("country=" + country404);

        // reloading the page's URL gives the same view
        String url = browser.driver().getCurrentUrl();
        browser.driver().navigate().refresh();
        browser.awaitLoadAfter(0);
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(url);
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(both.requests()));
        assertThat(browser.find("#chips").getText()).contains("404").contains(country404.equals("GB") ? "United Kingdom"
                : new Locale("", country404).getDisplayCountry(Locale.ENGLISH));

        // removing the status filter keeps the country one
        loads = browser.loads();
        browser.find("#chips [data-filter=status] button").click();
        browser.awaitLoadAfter(loads);
        Expected countryOnly = expected(from, r -> r.country().equals(country404));
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(countryOnly.requests()));
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("status=");

        // a longer period, and back with the browser's history
        loads = browser.loads();
        browser.find("#periods button[data-period='30d']").click();
        browser.awaitLoadAfter(loads);
        assertThat(browser.text("[data-testid=requests]"))
                .isEqualTo(count(expected(now.minus(Duration.ofDays(30)), r -> r.country().equals(country404)).requests()));
        loads = browser.loads();
        browser.driver().navigate().back();
        browser.awaitLoadAfter(loads);
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(countryOnly.requests()));
    }

    @Test
    void settingsExclude404sAndHideEndpointsAndTheExportHasTheSameRows() {
        browser.open(server.url() + "/");
        browser.script("sessionStorage.setItem('apiAnalyticsKey', arguments[0])", key);
        browser.open(server.url() + "/dashboard?period=30d");
        browser.awaitLoadAfter(0);
        Instant from = now.minus(Duration.ofDays(30));

        browser.find("#settings-button").click();
        int loads = browser.loads();
        browser.find("#exclude404").click();
        browser.awaitLoadAfter(loads);
        assertThat(browser.driver().getCurrentUrl()).contains("exclude404=true");
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(expected(from, r -> r.status() != 404).requests()));
        assertThat(browser.driver().findElements(By.cssSelector("#statuses li[data-key='404']"))).isEmpty();

        loads = browser.loads();
        browser.find("#hide").sendKeys("/health, /v1/users/*");
        browser.find("#hide-apply").click();
        browser.awaitLoadAfter(loads);
        Predicate<Row> shown = r -> r.status() != 404 && !r.path().equals("/health") && !r.path().startsWith("/v1/users/");
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(expected(from, shown).requests()));
        assertThat(browser.find("#endpoints").getText()).doesNotContain("/health").doesNotContain("/v1/users/{id}");

        // settings live in the URL too: a reload keeps them
        browser.driver().navigate().refresh();
        browser.awaitLoadAfter(0);
        assertThat(browser.find("#exclude404").isSelected()).isTrue();
        assertThat(browser.find("#hide").getAttribute("value")).isEqualTo("/health,/v1/users/*");
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(expected(from, shown).requests()));

        // the export sends exactly what the page's export button sends
        String csv = (String) browser.script("return fetch(Endpoints.dashboardCsv + '?' + queryString(), "
                + "{ headers: { 'X-AUTH-TOKEN': ApiKey.get() } }).then(r => r.text())");
        assertThat(csv.lines().count() - 1).isEqualTo(expected(from, shown).requests());
        browser.find("#export-button").click();
        browser.awaitTrue("!document.querySelector('#export-button').disabled");
        assertThat(browser.find("#error").getAttribute("class")).contains("hidden");
    }

    @Test
    void theUnfilteredDashboardLooksRightInAScreenshot() {
        browser.open(server.url() + "/");
        browser.script("sessionStorage.setItem('apiAnalyticsKey', arguments[0])", key);
        browser.open(server.url() + "/dashboard");
        browser.awaitLoadAfter(0);
        assertThat(browser.text("[data-testid=requests]")).isEqualTo(count(expected(now.minus(Duration.ofDays(7)), r -> true).requests()));
        Path screenshot = browser.screenshot("dashboard");
        assertThat(screenshot).isNotEmptyFile();
        // the key is shown masked, never whole
        assertThat(browser.text("[data-testid=key-chip]")).doesNotContain(key).startsWith(key.substring(0, 8));
    }

    @Test
    void aWrongKeyIsRefusedWithAMessage() {
        browser.open(server.url() + "/");
        browser.script("sessionStorage.clear()");
        browser.open(server.url() + "/dashboard");
        browser.awaitTrue("document.querySelector('#key-input')");
        browser.find("#key-input").sendKeys("3f1c2a9e-4b7d-4e21-9a53-0c8d6f1e2b47");
        browser.find("#key-submit").click();
        browser.awaitTrue("document.body.dataset.state === 'key-needed' && document.querySelector('.notice.error:not(.hidden)')");
        assertThat(browser.text(".notice.error:not(.hidden)")).contains("not known");
    }

    private Expected expected(Instant from, Predicate<Row> filter) {
        return new Expected(rows, from, now, ZONE, filter);
    }

    /** A count as the page prints it (en-US grouping). */
    static String count(long value) {
        return NumberFormat.getIntegerInstance(Locale.US).format(value);
    }

    /** A percentile as the response-time panel prints it (milliseconds without the unit below a second). */
    static String percentile(double ms) {
        BigDecimal exact = new BigDecimal(ms);
        if (ms >= 1000) {
            return new BigDecimal(ms / 1000).setScale(ms >= 10000 ? 1 : 2, RoundingMode.HALF_UP) + " s";
        }
        if (ms >= 100) {
            return Long.toString(Math.round(ms));
        }
        return exact.setScale(ms >= 10 ? 1 : 2, RoundingMode.HALF_UP).toPlainString();
    }
}
