package io.sideview.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI in ui/, in headless Chromium against the real service (RocksDB, H2, open auth, the test
 * config's 'friends' group with two unreachable shards). Screenshots go to target/screenshots/.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class UiBrowserIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-ui-")));

    static Browser browser;

    @BeforeAll
    static void start() {
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void console(TestInfo info) {
        String console = browser.console();
        if (!console.isBlank()) {
            System.out.println("browser console during " + info.getDisplayName() + ":\n" + console);
        }
    }

    static Http http() {
        return new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null);
    }

    static void open(String hash) {
        browser.driver.get("http://127.0.0.1:" + APP.getLocalPort() + "/" + hash);
        browser.wait.until(d -> !d.findElements(By.cssSelector("main h1")).isEmpty());
    }

    static WebElement byPath(String path) {
        return browser.wait.until(presenceOfElementLocated(By.cssSelector("[data-path='" + path + "']")));
    }

    static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }

    static WebElement id(String id) {
        return browser.wait.until(presenceOfElementLocated(By.id(id)));
    }

    static void click(By by) {
        browser.wait.until(d -> d.findElement(by).isDisplayed() && d.findElement(by).isEnabled());
        browser.driver.findElement(by).click();
    }

    static void createFollows(String name) {
        Http.Reply r = http().post("/v1/views", Examples.json("follows-view.json").put("name", name).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        r = http().post("/v1/views/" + name + "/mutations", Examples.text("follows-mutations.json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void createAViewThroughTheFormAndSeeItListed() {
        open("#/new");
        type(byPath("name"), "likes_ui");
        new Select(byPath("direction")).selectByValue("BOTH");
        click(By.id("add-property"));
        type(byPath("properties[0].name"), "created_at");
        type(byPath("properties[0].type"), "long");
        click(By.id("add-index"));
        type(byPath("indexes[0].name"), "recent");
        type(byPath("indexes[0].fields[0].field"), "created_at");
        new Select(byPath("indexes[0].fields[0].order")).selectByValue("DESC");
        // The JSON view follows the form.
        assertThat(id("json-view").getAttribute("value")).contains("\"likes_ui\"", "\"created_at\"", "\"DESC\"", "\"BOTH\"");
        click(By.id("submit-view"));
        browser.wait.until(urlContains("#/views/likes_ui"));
        browser.wait.until(textToBePresentInElementLocated(By.cssSelector("main h1"), "likes_ui"));
        assertThat(id("indexes-table").getText()).contains("recent", "created_at DESC");

        open("#/views");
        WebElement table = id("views-table");
        assertThat(table.findElements(By.cssSelector("a.view-link"))).extracting(WebElement::getText).contains("likes_ui");
        assertThat(table.getText()).contains("ACTIVE", "API-written");
        System.out.println("screenshot " + browser.screenshot("views-list"));
        Dimension wide = browser.driver.manage().window().getSize();
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        try {
            System.out.println("screenshot " + browser.screenshot("views-list-phone"));
        } finally {
            browser.driver.manage().window().setSize(wide);
        }
    }

    @Test
    void aValidationErrorIsShownNextToTheFieldItConcerns() {
        open("#/new");
        type(byPath("name"), "bad_types");
        click(By.id("add-property"));
        type(byPath("properties[0].name"), "score");
        type(byPath("properties[0].type"), "float");
        click(By.id("add-property"));
        type(byPath("properties[1].name"), "ok");
        type(byPath("properties[1].type"), "long");
        click(By.id("add-index"));
        type(byPath("indexes[0].name"), "by_score");
        type(byPath("indexes[0].fields[0].field"), "scor");
        click(By.id("submit-view"));

        WebElement typeInput = byPath("properties[0].type");
        browser.wait.until(d -> "true".equals(typeInput.getAttribute("aria-invalid")));
        String errorId = lastWord(typeInput.getAttribute("aria-describedby"));
        WebElement error = browser.driver.findElement(By.id(errorId));
        assertThat(error.getText()).contains("unknown type 'float'");
        // The error sits in the same field box as the type input, not anywhere else.
        assertThat(error.findElement(By.xpath("..")).findElement(By.cssSelector("input")).getAttribute("data-path"))
                .isEqualTo("properties[0].type");
        WebElement fieldError = browser.driver.findElement(By.id(
                lastWord(byPath("indexes[0].fields[0].field").getAttribute("aria-describedby"))));
        assertThat(fieldError.getText()).contains("unknown field 'scor'");
        assertThat(byPath("properties[1].type").getAttribute("aria-invalid")).isNull();
        assertThat(id("error-list").getText()).contains("properties[0].type", "indexes[0].fields[0].field");
        assertThat(browser.driver.getCurrentUrl()).contains("#/new");
        System.out.println("screenshot " + browser.screenshot("form-validation"));
    }

    @Test
    void theFormValidatesAsYouTypeWithoutCreatingAnything() {
        open("#/new");
        // An untouched new form is not checked.
        assertThat(id("check-status").getText()).isEmpty();
        type(byPath("name"), "typed_check");
        click(By.id("add-property"));
        type(byPath("properties[0].name"), "score");
        WebElement typeInput = byPath("properties[0].type");
        type(typeInput, "float");

        // No submit: the dry run puts the server's error next to the type input by itself.
        browser.wait.until(d -> "true".equals(typeInput.getAttribute("aria-invalid")));
        WebElement error = browser.driver.findElement(By.id(lastWord(typeInput.getAttribute("aria-describedby"))));
        assertThat(error.getText()).contains("unknown type 'float'");
        assertThat(error.findElement(By.xpath("..")).findElement(By.cssSelector("input")).getAttribute("data-path"))
                .isEqualTo("properties[0].type");
        browser.wait.until(textToBePresentInElementLocated(By.id("check-status"), "1 problem"));
        assertThat(id("check-status").getAttribute("aria-live")).isEqualTo("polite");
        assertThat(browser.driver.findElements(By.id("error-list"))).as("no submit happened").isEmpty();
        System.out.println("screenshot " + browser.screenshot("form-validate-as-you-type"));

        type(typeInput, "double");
        browser.wait.until(d -> typeInput.getAttribute("aria-invalid") == null);
        browser.wait.until(textToBePresentInElementLocated(By.id("check-status"), "Valid"));
        assertThat(error.getText()).isEmpty();
        assertThat(browser.driver.getCurrentUrl()).contains("#/new");

        // A dry run stores nothing.
        Http.Reply list = http().get("/v1/views");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().findValuesAsText("name")).doesNotContain("typed_check");
        assertThat(http().get("/v1/views/typed_check").status()).isEqualTo(404);
    }

    @Test
    void edgesWrittenThroughTheApiReadBackInTheQueryConsole() {
        createFollows("follows");
        open("#/query?view=follows");
        new Select(id("q-op")).selectByValue("get");
        type(id("q-source"), "1");
        type(id("q-target"), "2, 3, 4");
        click(By.id("run-query"));
        browser.wait.until(textToBePresentInElementLocated(By.id("result-status"), "2 edge(s)"));
        assertThat(column("result-table", 2)).containsExactly("2", "3");
        assertThat(column("result-table", 4)).containsExactly("1700000000000", "1700000001000");
        assertThat(id("request-url").getText()).endsWith("/api/v1/views/follows/edge?source=1&target=2&target=3&target=4");
        assertThat(id("curl-command").getText()).startsWith("curl '").contains("/api/v1/views/follows/edge?source=1");

        new Select(id("q-op")).selectByValue("reverse");
        type(id("q-start"), "3");
        new Select(id("q-index")).selectByValue("recent");
        click(By.id("run-query"));
        browser.wait.until(textToBePresentInElementLocated(By.id("request-url"), "direction=IN"));
        browser.wait.until(textToBePresentInElementLocated(By.id("result-status"), "2 edge(s)"));
        assertThat(column("result-table", 1)).containsExactly("2", "1");

        new Select(id("q-op")).selectByValue("count");
        type(id("q-start"), "1 2 9");
        click(By.id("run-query"));
        browser.wait.until(textToBePresentInElementLocated(By.id("result-status"), "3 count(s)"));
        assertThat(column("result-table", 3)).containsExactly("2", "1", "0");

        new Select(id("q-op")).selectByValue("mutual");
        type(id("q-a"), "1");
        type(id("q-b"), "2");
        click(By.id("run-query"));
        browser.wait.until(textToBePresentInElementLocated(By.id("result-status"), "1 mutual target(s)"));
        assertThat(column("result-table", 1)).containsExactly("3");
    }

    @Test
    void aScanPagesWithTheCursor() {
        createFollows("paged");
        open("#/query?view=paged");
        new Select(id("q-op")).selectByValue("scan");
        type(id("q-start"), "1");
        new Select(id("q-index")).selectByValue("recent");
        type(id("q-limit"), "1");
        click(By.id("run-query"));
        browser.wait.until(textToBePresentInElementLocated(By.id("result-status"), "Page 1: 1 edge(s). More edges follow."));
        assertThat(column("result-table", 2)).containsExactly("3");
        assertThat(id("next-cursor").getText()).isNotBlank();
        click(By.id("next-page"));
        browser.wait.until(textToBePresentInElementLocated(By.id("result-status"), "Page 2"));
        assertThat(id("request-url").getText()).contains("limit=1", "cursor=");
        assertThat(column("result-table", 2)).containsExactly("2");
        // User 1 follows two users: the second page is the last one, so no next page is offered.
        assertThat(browser.driver.findElements(By.id("next-page"))).isEmpty();
        System.out.println("screenshot " + browser.screenshot("query-console"));
    }

    @Test
    void theDetailPageShowsARevisionDiffAfterAnUpdateThroughTheForm() {
        createFollows("diffed");
        open("#/edit/diffed");
        click(By.id("add-property"));
        type(byPath("properties[1].name"), "muted");
        type(byPath("properties[1].type"), "boolean");
        assertThat(id("json-view").getAttribute("value")).contains("\"muted\"");
        click(By.id("submit-view"));
        browser.wait.until(urlContains("#/views/diffed"));
        browser.wait.until(textToBePresentInElementLocated(By.id("current-revision"), "2"));
        assertThat(browser.driver.findElement(By.cssSelector(".alert-ok")).getText()).contains("revision 2");
        browser.wait.until(textToBePresentInElementLocated(By.id("diff-summary"), "revision 1 → 2"));
        List<String> added = browser.driver.findElements(By.cssSelector("#diff-output .diff-add")).stream().map(WebElement::getText).toList();
        assertThat(String.join("\n", added)).contains("\"name\": \"muted\"", "\"type\": \"boolean\"");
        assertThat(id("revisions-table").findElements(By.cssSelector("tbody tr"))).hasSize(2);
        assertThat(id("props-table").getText()).contains("muted", "boolean");
        System.out.println("screenshot " + browser.screenshot("view-detail"));

        // Choosing the same revision on both sides leaves nothing changed.
        new Select(id("diff-from")).selectByValue("2");
        browser.wait.until(textToBePresentInElementLocated(By.id("diff-summary"), "Same revision"));
        assertThat(browser.driver.findElements(By.cssSelector("#diff-output .diff-add"))).isEmpty();
    }

    @Test
    void theIngestionPageShowsEveryShardAndItsState() {
        open("#/ingest");
        browser.wait.until(numberOfElementsToBe(By.cssSelector("#shards-table tbody tr"), 2));
        List<WebElement> rows = id("shards-table").findElements(By.cssSelector("tbody tr"));
        assertThat(rows.get(0).getText()).contains("friends", "shard0");
        assertThat(rows.get(1).getText()).contains("friends", "shard1");
        for (WebElement row : rows) {
            assertThat(row.findElement(By.cssSelector(".shard-state")).getText()).isNotBlank();
        }
        assertThat(id("rate-chart").getAttribute("aria-label")).contains("friends/shard0", "friends/shard1");
        assertThat(id("ingest-summary").getText()).contains("WAL:", "2 shard(s)");
        assertThat(id("dead-letters").getText()).contains("No pending dead letters");
        // The page refreshes itself every 2 s.
        String first = id("ingest-summary").getText();
        browser.wait.until(d -> !d.findElement(By.id("ingest-summary")).getText().equals(first));
        System.out.println("screenshot " + browser.screenshot("ingestion"));
    }

    /** The shards table is drawn again every 2 s: a button found just before may be replaced when clicked. */
    static void clickFresh(By by) {
        browser.wait.until(d -> {
            try {
                WebElement b = d.findElement(by);
                if (!b.isDisplayed() || !b.isEnabled()) {
                    return false;
                }
                b.click();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return false;
            }
        });
    }

    static String shardState(int row) {
        try {
            return browser.driver.findElements(By.cssSelector("#shards-table tbody tr")).get(row)
                    .findElement(By.cssSelector(".shard-state")).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException | IndexOutOfBoundsException e) {
            return "";
        }
    }

    @Test
    void pauseAndResumeAShardFromTheIngestionPage() {
        open("#/ingest");
        browser.wait.until(numberOfElementsToBe(By.cssSelector("#shards-table tbody tr"), 2));
        assertThat(browser.driver.findElement(By.id("resume-friends-shard1")).isEnabled()).as("not paused yet").isFalse();
        clickFresh(By.id("pause-friends-shard1"));
        browser.wait.until(d -> shardState(1).equals("PAUSED"));
        assertThat(id("shard-message").getText()).contains("friends/shard1 is paused by operator");
        assertThat(http().get("/v1/ingest/status").json().at("/shards/1/paused/by").asText()).isEqualTo("operator");
        assertThat(shardState(0)).as("only that shard").isNotEqualTo("PAUSED");
        System.out.println("screenshot " + browser.screenshot("ingestion-paused"));
        clickFresh(By.id("resume-friends-shard1"));
        browser.wait.until(d -> !shardState(1).equals("PAUSED") && !shardState(1).isEmpty());
        assertThat(id("shard-message").getText()).contains("friends/shard1 resumed");
        assertThat(http().get("/v1/ingest/status").json().at("/shards/1/paused").isNull()).isTrue();
    }

    @Test
    void theClusterPageShowsThisNodeWhoRunsEachShardAndEscapesWhatOtherNodesWrote() {
        String self = http().get("/v1/cluster").json().get("self").asText();
        // A dead node's row, written by hand: its name is text, never markup.
        long now = System.currentTimeMillis();
        org.jdbi.v3.core.Jdbi.create(APP.getConfiguration().getDatabase().getUrl(), "sa", "")
                .installPlugin(new org.jdbi.v3.sqlobject.SqlObjectPlugin())
                .onDemand(io.sideview.cluster.db.ClusterNodeDao.class)
                .insert(new io.sideview.cluster.db.NodeRow("<img src=x onerror=alert(1)>", "i-x", "hbase", "kafka",
                        "http://gone:8080", now - 120_000, now - 60_000, "friends/shard0", "7"));

        open("#/cluster");
        browser.wait.until(numberOfElementsToBe(By.cssSelector("#cluster-nodes tbody tr"), 2));
        WebElement mine = id("cluster-nodes").findElement(By.cssSelector("tr[data-alive='true']"));
        assertThat(mine.getText()).contains(self, "this node", "alive", "rocksdb", "none", "friends/shard0, friends/shard1");
        assertThat(mine.getText()).containsPattern("\\d+(\\.\\d)? m?s ago");
        WebElement dead = id("cluster-nodes").findElement(By.cssSelector("tr[data-alive='false']"));
        assertThat(dead.getText()).contains("<img src=x onerror=alert(1)>", "dead");
        assertThat(browser.driver.findElements(By.cssSelector("main img"))).as("no markup from a row").isEmpty();
        assertThat(column("cluster-shards", 2)).containsExactly(self, self);
        assertThat(browser.driver.findElements(By.cssSelector("#cluster-shards tr.row-orphan"))).isEmpty();
        WebElement partition = id("cluster-partitions").findElement(By.cssSelector("tbody tr.row-orphan"));
        assertThat(partition.getText()).contains("7", "no live node");
        assertThat(id("cluster-summary").getText()).contains("1 of 2 node(s) alive", "answered by " + self);
        String first = id("cluster-summary").getText();
        browser.wait.until(d -> !d.findElement(By.id("cluster-summary")).getText().equals(first));
        System.out.println("screenshot " + browser.screenshot("cluster"));
    }

    @Test
    void aVerifyStartedFromTheDetailPageShowsItsProgressAndOutcome() {
        createFollows("audited");
        // A later revision adds an index: an INDEX_BUILD job fills it for the three edges.
        var def = Examples.json("follows-view.json").put("name", "audited");
        ((com.fasterxml.jackson.databind.node.ArrayNode) def.get("indexes")).addObject().put("name", "oldest")
                .putArray("fields").addObject().put("field", "created_at").put("order", "ASC");
        assertThat(http().put("/v1/views/audited", def.toString()).status()).isEqualTo(200);

        open("#/views/audited");
        assertThat(id("stat-edges").getText()).isEqualTo("3");
        click(By.id("verify-view"));
        browser.wait.until(d -> d.findElements(By.cssSelector("#view-jobs tr[data-state='DONE']")).size() == 2);
        List<WebElement> rows = id("view-jobs").findElements(By.cssSelector("tbody tr"));
        assertThat(rows.get(0).getText()).contains("VERIFY", "DONE", "exact", "3 edges");
        assertThat(rows.get(1).getText()).contains("INDEX_BUILD", "oldest", "DONE", "built: 6 index row(s) written");
        assertThat(rows.get(0).findElement(By.tagName("progress")).getAttribute("value")).isEqualTo("100");
        System.out.println("screenshot " + browser.screenshot("view-jobs"));

        open("#/jobs");
        browser.wait.until(presenceOfElementLocated(By.cssSelector("#all-jobs tr[data-state='DONE']")));
        new Select(id("job-view")).selectByValue("audited");
        new Select(id("job-type")).selectByValue("REBUILD");
        click(By.cssSelector("#start-job button[type=submit]"));
        browser.wait.until(textToBePresentInElementLocated(By.cssSelector(".alert-ok"), "REBUILD of 'audited' queued"));
        browser.wait.until(d -> d.findElements(By.cssSelector("#all-jobs tbody tr")).stream()
                .anyMatch(r -> r.getText().contains("REBUILD") && r.getText().contains("nothing to repair")));
        System.out.println("screenshot " + browser.screenshot("jobs"));
        Dimension wide = browser.driver.manage().window().getSize();
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        try {
            System.out.println("screenshot " + browser.screenshot("jobs-phone"));
        } finally {
            browser.driver.manage().window().setSize(wide);
        }

        open("#/views");
        browser.wait.until(d -> d.findElement(By.id("views-table")).getText().contains("audited"));
        WebElement row = id("views-table").findElements(By.cssSelector("tbody tr")).stream()
                .filter(r -> r.getText().startsWith("audited")).findFirst().orElseThrow();
        assertThat(row.getText()).contains("OUT 2, IN 2");
    }

    static String lastWord(String text) {
        String[] words = text.trim().split(" ");
        return words[words.length - 1];
    }

    static List<String> column(String tableId, int oneBased) {
        return id(tableId).findElements(By.cssSelector("tbody tr td:nth-child(" + oneBased + ")")).stream()
                .map(WebElement::getText).toList();
    }
}
