package io.sideview.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** With tokens configured: the UI asks for a token, and a reader token turns it read-only. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class UiReadOnlyBrowserIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-ui-auth-"),
                    ConfigOverride.config("auth.adminTokens", "ui-admin-token"),
                    ConfigOverride.config("auth.readerTokens", "ui-reader-token")));

    static Browser browser;

    @BeforeAll
    static void start() {
        browser = new Browser();
        Http admin = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", "ui-admin-token");
        Http.Reply r = admin.post("/v1/views", Examples.text("follows-view.json"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    static WebElement id(String id) {
        return browser.wait.until(presenceOfElementLocated(By.id(id)));
    }

    static void useToken(String token) {
        WebElement input = id("token-input");
        input.clear();
        input.sendKeys(token);
        id("token-save").click();
    }

    @Test
    void aReaderTokenMakesTheUiReadOnlyAndAnAdminTokenWritable() {
        browser.driver.get("http://127.0.0.1:" + APP.getLocalPort() + "/#/views");
        browser.wait.until(textToBePresentInElementLocated(By.id("role"), "Token needed"));
        assertThat(id("banner").getText()).contains("needs");

        useToken("ui-reader-token");
        browser.wait.until(textToBePresentInElementLocated(By.id("role"), "Read-only"));
        browser.wait.until(presenceOfElementLocated(By.id("views-table")));
        assertThat(id("views-table").getText()).contains("follows");
        assertThat(browser.driver.findElement(By.cssSelector("a[data-nav='new']")).isDisplayed()).isFalse();
        browser.driver.get("http://127.0.0.1:" + APP.getLocalPort() + "/#/views/follows");
        browser.wait.until(textToBePresentInElementLocated(By.cssSelector("main h1"), "follows"));
        // The token lives in sessionStorage, so it survives the reload; write actions stay hidden.
        browser.wait.until(textToBePresentInElementLocated(By.id("role"), "Read-only"));
        assertThat(id("edit-view").isDisplayed()).isFalse();
        assertThat(id("deactivate").isDisplayed()).isFalse();
        Object stored = browser.driver.executeScript("return sessionStorage.getItem('sideview.token')");
        assertThat(stored).isEqualTo("ui-reader-token");
        Object persistent = browser.driver.executeScript("return localStorage.length");
        assertThat(persistent).isEqualTo(0L);

        useToken("ui-admin-token");
        browser.wait.until(textToBePresentInElementLocated(By.id("role"), "Read and write"));
        browser.wait.until(d -> d.findElement(By.id("edit-view")).isDisplayed());
    }
}
