package dev.lapse.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page in a real browser (headless Chromium) over a backend that answers fixed jobs: what a job carries is
 * shown as text and never runs, state-changing actions ask first, and a page of another origin cannot act on it.
 */
class ConsolePageIT {
    static final String SCRIPT = "<script>window.__lapsePwned = 'script tag'</script>";
    static final String IMG = "\"><img src=x onerror=\"window.__lapsePwned='img onerror'\">";
    static final String JS_URL = "javascript:window.__lapsePwned='javascript url'";

    @TempDir
    Path profile;
    final FakeBackend backend = new FakeBackend();
    final ConsoleRoutes routes = new ConsoleRoutes(backend);
    ConsoleServer server;
    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void start() throws Exception {
        server = new ConsoleServer(0, routes);
        browser = Browser.start(profile);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    String url() {
        return "http://127.0.0.1:" + server.port() + ConsoleRoutes.PREFIX;
    }

    static ObjectNode job(String id, String type, Instant due, String payload) {
        ObjectNode job = Json.object().put("jobId", id).put("jobType", type).put("dueAt", due.toString());
        job.set("payload", Json.object().put("note", payload));
        return job;
    }

    @Test
    void hostileJobIdsAndPayloadsAreShownAsTextAndNeverRun() {
        Instant due = Instant.now().plusSeconds(3600);
        backend.pending.add(job(SCRIPT, "report.daily", due, IMG));
        backend.pending.add(job(IMG, "report.daily", due.plusSeconds(60), JS_URL));
        backend.pending.add(job(JS_URL, "report.daily", due.plusSeconds(120), SCRIPT));
        ObjectNode story = Json.object();
        story.set("job", Json.object().put("jobId", SCRIPT).put("state", "pending").put("jobType", "report.daily"));
        story.putArray("history").addObject().put("occurrenceId", IMG).put("attempt", 1).put("outcome", "RETRY_SCHEDULED")
                .put("error", SCRIPT);
        backend.job = story;
        browser.get(url());
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#pending tbody tr"), 3));

        assertThat(browser.findElements(By.cssSelector("#pending tbody tr .job-link"))).extracting(WebElement::getText)
                .containsExactly(SCRIPT, IMG, JS_URL);
        assertThat(browser.findElements(By.cssSelector("#pending td.payload"))).extracting(WebElement::getText)
                .containsExactly("{\"note\":" + Json.write(IMG) + "}", "{\"note\":" + Json.write(JS_URL) + "}",
                        "{\"note\":" + Json.write(SCRIPT) + "}");
        assertThat(browser.findElements(By.cssSelector("main img, main script, main a[href]"))).as("no markup from a job").isEmpty();
        assertThat(browser.findElement(By.id("source")).getText()).as("the backend's description, escaped")
                .isEqualTo("a test backend <b>bold</b>");

        browser.findElements(By.cssSelector("#pending .job-link")).get(0).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history tbody tr"), 1));
        assertThat(browser.findElement(By.cssSelector("#job-summary dd[data-field=job]")).getText()).isEqualTo(SCRIPT);
        assertThat(browser.findElement(By.cssSelector("#history tbody td:nth-child(8)")).getText()).isEqualTo(SCRIPT);
        assertThat(browser.findElement(By.cssSelector("#history tbody td:nth-child(1)")).getText()).isEqualTo(IMG);
        assertThat(browser.findElements(By.cssSelector("main img, main script"))).isEmpty();

        assertThat(browser.executeScript("return window.__lapsePwned === undefined")).as("no job's content ran").isEqualTo(true);
        Browser.screenshot(browser, "hostile-content");
    }

    @Test
    void cancellingAsksFirstAndSendsCancelJobOnlyWhenConfirmed() {
        backend.pending.add(job("invoice-42", "invoice.send", Instant.now().plusSeconds(600), "x"));
        browser.get(url());
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#pending tbody tr"), 1));
        assertThat(browser.findElement(By.cssSelector("#pending td.countdown")).getText()).matches("9m 5\\ds|10m 0s|9m [0-5]\\ds");

        browser.findElement(By.cssSelector("#pending button.cancel")).click();
        wait.until(ExpectedConditions.alertIsPresent()).dismiss();
        assertThat(backend.requests).noneMatch(r -> r.path("detail-type").asText().equals("Cancel Job"));

        browser.findElement(By.cssSelector("#pending button.cancel")).click();
        var confirm = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).contains("invoice-42");
        confirm.accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "CANCELLED"));
        assertThat(backend.requests).filteredOn(r -> r.path("detail-type").asText().equals("Cancel Job"))
                .singleElement().satisfies(r -> assertThat(r.path("detail").path("jobId").asText()).isEqualTo("invoice-42"));
    }

    @Test
    void aDeadLetterIsReplayedFromThePageAfterConfirmation() {
        backend.deadLettered.add(job("failed-7", "report.daily", Instant.now().minusSeconds(60), "y").put("reason", "failed after 3 attempt(s)"));
        browser.get(url());
        browser.findElement(By.cssSelector("nav button[data-view=dead]")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#dead tbody tr"), 1));
        assertThat(browser.findElement(By.cssSelector("#dead tbody td:nth-child(3)")).getText()).isEqualTo("failed after 3 attempt(s)");
        wait.until(ExpectedConditions.textToBe(By.id("fig-dead"), "1"));
        Browser.screenshot(browser, "dead-letters");

        browser.findElement(By.cssSelector("#dead button.replay")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "replayed"));
        assertThat(backend.replays).singleElement().satisfies(r -> {
            assertThat(r.path("source").asText()).isEqualTo("dead-letters");
            assertThat(r.path("jobId").asText()).isEqualTo("failed-7");
        });
    }

    @Test
    void aPageOfAnotherOriginCannotActOnTheConsole() throws Exception {
        backend.pending.add(job("victim", "invoice.send", Instant.now().plusSeconds(600), "z"));
        {
            browser.get(url()); // the user has a console session (its cookie) in this browser
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#pending tbody tr"), 1));
            // a page of another origin (localhost is another site than 127.0.0.1), without the console's CSP: a 404 page
            browser.get("http://localhost:" + server.port() + "/elsewhere");
            String target = url() + "/api/request";
            String body = "{\"detail-type\":\"Cancel Job\",\"detail\":{\"jobId\":\"victim\"}}";
            int refusedBefore = routes.refusedCount();
            Object simple = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: 'POST', mode: 'no-cors', credentials: 'include', headers: {'Content-Type': 'text/plain'},"
                    + " body: arguments[1]}).then(r => done('sent ' + r.type), e => done('error ' + e));", target, body);
            Object withHeaders = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: 'POST', credentials: 'include', headers: {'Content-Type': 'application/json',"
                    + " 'X-Lapse-Console-Token': 'guess'}, body: arguments[1]}).then(r => done('status ' + r.status), e => done('error ' + e));",
                    target, body);
            assertThat(withHeaders).as("a preflighted request is blocked by the browser").asString().startsWith("error");
            // the simple (no-cors) request reaches the console, which refuses it (the browser hides the answer: opaque or ORB error)
            assertThat(String.valueOf(simple)).matches("sent opaque|error TypeError: Failed to fetch");
            // ... and so does the browser's preflight (OPTIONS) for the second: both refused
            assertThat(routes.refusedCount()).as("the cross-origin requests were refused by the console").isEqualTo(refusedBefore + 2);
        }
        assertThat(backend.requests).noneMatch(r -> r.path("detail-type").asText().equals("Cancel Job"));
    }

    @Test
    void theConsoleIsUsableAtDesktopAndPhoneWidths() {
        backend.pending.add(job("report-1", "report.daily", Instant.now().plusSeconds(90), "a"));
        for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
            Browser.size(browser, size[0], size[1]);
            browser.get(url());
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#pending tbody tr"), 1));
            Long overflow = (Long) browser.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow).as("horizontal overflow at %d px", size[0]).isLessThanOrEqualTo(0L);
            assertThat(browser.findElement(By.cssSelector("#pending button.cancel")).isDisplayed()).isTrue();
            Browser.screenshot(browser, "pending-" + size[0]);
        }
    }
}
