package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.TestFiles;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through chromedriver, both found on this machine (never
 * downloaded): {@code API_ANALYTICS_TEST_CHROMIUM} and {@code API_ANALYTICS_TEST_CHROMEDRIVER}, or
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}.
 */
public final class Browser implements AutoCloseable {

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a fresh browser whose pages run in {@code timeZone} (an IANA name). */
    public static Browser start(String timeZone) {
        File chromium = executable("API_ANALYTICS_TEST_CHROMIUM", "/usr/bin/chromium", "chromium");
        File chromedriver = executable("API_ANALYTICS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
        // with both paths given, Selenium has nothing to look up or download
        System.setProperty("webdriver.chrome.driver", chromedriver.getAbsolutePath());
        Path profile;
        try {
            profile = Files.createTempDirectory("api-analytics-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver)
                .usingAnyFreePort()
                .withEnvironment(Map.of("TZ", timeZone))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        // every page notes what its Content-Security-Policy blocked, where later pages of the origin can read it
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "document.addEventListener('securitypolicyviolation', e => localStorage.setItem('csp-violations',"
                        + " (localStorage.getItem('csp-violations') || '') + e.violatedDirective + ' ' + e.blockedURI"
                        + " + ' at ' + e.sourceFile + ':' + e.lineNumber + '\\n'));"));
        return new Browser(service, driver, profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public String text(String css) {
        for (int attempt = 1; ; attempt++) {
            try {
                return find(css).getText().strip();
            } catch (StaleElementReferenceException rerendered) {
                // the page replaced the element between finding and reading it: read the new one
                if (attempt == 3) {
                    throw rerendered;
                }
            }
        }
    }

    public Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /** The page's load counter ({@code body[data-loads]}), 0 before the first load finished. */
    public int loads() {
        Object value = script("return document.body.dataset.loads || '0'");
        return Integer.parseInt(String.valueOf(value));
    }

    /** Waits until the page finished more loads than {@code before}. */
    public void awaitLoadAfter(int before) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> loads() > before
                && "ready".equals(script("return document.body.dataset.state")));
    }

    /** Waits for a condition written as a JavaScript expression. */
    public void awaitTrue(String javascript) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(script("return !!(" + javascript + ")")));
    }

    /** Saves the whole page as a PNG under {@code target/screenshots/}, resizing the window to fit it. */
    public Path screenshot(String name) {
        // the window's outer size includes browser chrome: grow it until the viewport holds the page
        for (int attempt = 0; attempt < 3; attempt++) {
            long page = ((Number) script("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
            long viewport = ((Number) script("return window.innerHeight")).longValue();
            if (viewport >= page || viewport >= 4000) {
                break;
            }
            Dimension size = driver.manage().window().getSize();
            driver.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(size.getHeight() + page - viewport, 4000)));
        }
        try {
            Path directory = Path.of("target", "screenshots");
            Files.createDirectories(directory);
            Path file = directory.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Quits the browser; fails when a page broke the collector's Content-Security-Policy (an
     * inline script or style, a foreign resource), which would leave part of it dead in real use.
     */
    @Override
    public void close() {
        Object violations;
        try {
            violations = script("return location.protocol.startsWith('http') ? localStorage.getItem('csp-violations') : null");
        } catch (RuntimeException e) {
            violations = null; // no page of the collector open
        }
        try {
            driver.quit();
        } finally {
            service.stop();
            TestFiles.deleteRecursively(profile);
        }
        if (violations != null && !violations.toString().isBlank()) {
            throw new AssertionError("the pages broke their Content-Security-Policy:\n" + violations);
        }
    }

    private static File executable(String variable, String fallback, String debianPackage) {
        String configured = System.getenv(variable);
        File file = new File(configured != null && !configured.isBlank() ? configured.trim() : fallback);
        if (!file.canExecute()) {
            throw new IllegalStateException(file + " is missing: the dashboard's browser tests need Debian's '" + debianPackage
                    + "' package (apt-get install chromium chromium-driver), or set " + variable);
        }
        return file;
    }
}
