package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.local.console.ConsoleTesting;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The console on the local runtime, in a real browser: jobs scheduled through the AWS SDK are listed in due order,
 * one runs and appears under recent runs with its lateness, one is cancelled from the page, one fails to the
 * dead-letter queue and is replayed from the page. And {@code ./lapse console --stack} reads the same runtime as a stack.
 */
class ConsoleIT extends ScenarioSuite {
    @TempDir
    Path profile;
    ChromeDriver browser;
    WebDriverWait wait;

    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(true, Map.of());
    }

    @BeforeEach
    void openBrowser() {
        browser = ConsoleTesting.browser(profile);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        env.faults().ifPresent(LapseEnvironment.FaultInjector::clear);
    }

    String console() {
        return ((LocalRuntimeEnvironment) env).runtime().apiEndpoint() + "/console";
    }

    /** The job ids of a table's rows, read in one go (the page re-renders its tables every 2 s). */
    @SuppressWarnings("unchecked")
    List<String> listed(String table) {
        return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
                + ".map(r => r.dataset.jobId)", table);
    }

    /** Clicks what {@code css} finds, finding it again if a re-render replaced it meanwhile. */
    void click(String css) {
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** The text of what {@code css} finds, read again if a re-render replaced it meanwhile. */
    String text(String css) {
        return wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    @Test
    void jobsAreSeenPendingInDueOrderRunCancelledDeadLetteredAndReplayedFromThePage() {
        String soon = unique("console-soon");
        String later = unique("console-later");
        String cancelled = unique("console-cancel");
        String doomed = unique("console-doomed");
        env.faults().orElseThrow().failEntries(e -> doomed.equals(e.path("detail").path("jobId").asText())
                && "Job Due".equals(e.path("detail-type").asText()), 1, "AccessDeniedException");
        steps.schedule(later, "report.daily", Scenarios.seconds(3600), Json.object().put("note", "<b>not bold</b>"));
        steps.schedule(cancelled, "report.daily", Scenarios.seconds(1800), Json.object());
        steps.schedule(soon, "report.daily", Scenarios.seconds(8), Json.object());
        steps.schedule(doomed, "invoice.remind", Scenarios.seconds(10), Json.object(),
                Json.object().put("maxAttempts", 1).put("baseDelaySeconds", 1).put("maxDelaySeconds", 1));

        browser.get(console());
        wait.until(d -> listed("pending").containsAll(List.of(soon, doomed, cancelled, later)));
        List<String> order = listed("pending").stream().filter(List.of(soon, doomed, cancelled, later)::contains).toList();
        assertThat(order).as("due order").containsExactly(soon, doomed, cancelled, later);
        ConsoleTesting.screenshot(browser, "local-pending");

        click("#pending tr[data-job-id='" + cancelled + "'] button.cancel");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> !listed("pending").contains(cancelled));
        assertThat(steps.job(cancelled)).as("cancelled in the table").isEmpty();

        wait.until(d -> !listed("pending").contains(soon));
        click("nav button[data-view=runs]");
        wait.until(d -> listed("runs").contains(soon));
        long lateness = Long.parseLong(text("#runs tr[data-job-id='" + soon + "'] td.lateness"));
        assertThat(steps.jobDue(soon)).hasSize(1);
        assertThat(lateness).as("lateness shown for the run: the run's own").isNotNegative()
                .isEqualTo(steps.jobDue(soon).get(0).path("detail").path("latenessMs").asLong());
        assertThat(text("#runs tr[data-job-id='" + soon + "']")).contains("RAN");
        ConsoleTesting.screenshot(browser, "local-recent-runs");

        wait.until(d -> {
            click("nav button[data-view=dead]");
            return listed("dead").contains(doomed);
        });
        ConsoleTesting.screenshot(browser, "local-dead-letters");
        click("#dead tr[data-job-id='" + doomed + "'] button.replay");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "replayed"));
        Scenarios.await("the replayed job ran", Duration.ofSeconds(30), () -> !steps.jobDue(doomed).isEmpty());

        click("nav button[data-view=job]");
        browser.findElement(By.cssSelector("#job-form input")).sendKeys(doomed);
        browser.findElement(By.cssSelector("#job-form button")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history tbody tr"), 2));
        assertThat(browser.findElements(By.cssSelector("#history tbody td:nth-child(7)"))).extracting(WebElement::getText)
                .containsExactly("RAN", "DEAD_LETTERED");
        ConsoleTesting.screenshot(browser, "local-job-story");
    }

    @Test
    void aRecurringJobIsListedWithItsRecurrenceAndItsStoryShowsItsNextRuns() {
        String jobId = unique("console-hourly");
        var detail = Json.object().put("jobId", jobId).put("jobType", "report.hourly");
        detail.putObject("recurrence").put("every", "PT1H");
        steps.put("Schedule Job", detail);

        browser.get(console());
        wait.until(d -> listed("pending").contains(jobId));
        assertThat(text("#pending tr[data-job-id='" + jobId + "'] td.repeats")).isEqualTo("every PT1H · #1");
        click("nav button[data-view=job]");
        browser.findElement(By.cssSelector("#job-form input")).sendKeys(jobId);
        browser.findElement(By.cssSelector("#job-form button")).click();
        String nextRuns = text("#job-summary dd[data-field=next-runs]");
        assertThat(nextRuns.split(", ")).hasSize(5);
        assertThat(text("#job-summary dd[data-field=repeats]")).startsWith("every PT1H");
        assertThat(text("#job-summary dd[data-field=state]")).isEqualTo("pending");
        ConsoleTesting.screenshot(browser, "local-recurring-job");
    }

    @Test
    void theStackCommandReadsTheLocalRuntimeAsItWouldADeployedStack() throws Exception {
        String jobId = unique("stack-job");
        steps.schedule(jobId, "report.daily", Scenarios.seconds(3600), Json.object());
        URI endpoint = ((LocalRuntimeEnvironment) env).runtime().apiEndpoint();
        try (var server = ConsoleTesting.startStackConsole("lapse", endpoint)) {
            HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String base = "http://127.0.0.1:" + server.port() + "/console";
            String page = http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher token = Pattern.compile("name=\"lapse-token\" content=\"([^\"]+)\"").matcher(page);
            assertThat(token.find()).isTrue();
            assertThat(page).contains("stack lapse (us-east-1)");
            JsonNode got = Json.read(http.send(HttpRequest.newBuilder(URI.create(base + "/api/request"))
                    .header("Content-Type", "application/json").header("X-Lapse-Console-Token", token.group(1))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"detail-type\":\"Get Job\",\"detail\":{\"jobId\":\"" + jobId + "\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(got.path("job").path("state").asText()).as(got.toString()).isEqualTo("pending");
            JsonNode figures = Json.read(http.send(HttpRequest.newBuilder(URI.create(base + "/api/figures"))
                    .header("Content-Type", "application/json").header("X-Lapse-Console-Token", token.group(1))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(figures.path("deadLetters").isIntegralNumber()).as(figures.toString()).isTrue();
        }
        assertThat(ConsoleTesting.stackConsoleError("no-such-stack", endpoint)).contains("Stack with id no-such-stack does not exist");
    }
}
