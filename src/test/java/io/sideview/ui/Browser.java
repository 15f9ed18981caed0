package io.sideview.ui;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven through the system chromedriver: nothing is downloaded (Selenium
 * Manager is never asked, because both the driver and the browser binary are given).
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    final WebDriverWait wait;
    private final Path profile;

    Browser() {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        System.setProperty("SE_AVOID_STATS", "true");
        try {
            profile = Files.createTempDirectory("sideview-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--disable-extensions", "--user-data-dir=" + profile, "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    static boolean available() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    /** A screenshot of the whole page (the window grows to the page's height, then shrinks back). */
    Path screenshot(String name) {
        Dimension before = driver.manage().window().getSize();
        try {
            long height = (Long) ((JavascriptExecutor) driver).executeScript(
                    "return Math.ceil(Math.max(document.body.scrollHeight, document.documentElement.scrollHeight));");
            driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(Math.max(height + 120, 600), 4000)));
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    /** The page's console, for diagnosing a failed wait. */
    String console() {
        StringBuilder out = new StringBuilder();
        driver.manage().logs().get(LogType.BROWSER).forEach(e -> out.append(e.getLevel()).append(' ').append(e.getMessage()).append('\n'));
        return out.toString();
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp profile left behind is harmless
        }
    }
}
