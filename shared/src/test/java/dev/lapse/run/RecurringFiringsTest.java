package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.action.JobAction;
import dev.lapse.action.TransientFailureException;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.schedule.RecurringJobs;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One firing of a schedule declared in template.yaml ({@link RecurringJobs}): it runs as a job due at the scheduled time,
 * once however often the scheduler delivers it; a transient failure keeps it as a one-time job; bad input is refused by name.
 */
class RecurringFiringsTest {
    static final Instant T0 = Instant.parse("2026-12-01T08:00:05Z");

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, Duration.ofSeconds(60));
    final InMemory.Table table = new InMemory.Table(ledger);
    final List<Job> ran = new ArrayList<>();
    RuntimeException failure;
    final JobRunner runner = InMemory.runner(table, ledger, (job, run) -> {
        if (failure != null) {
            throw failure;
        }
        ran.add(job);
        return new JobAction.Result("Job Due published", false);
    }, clock);
    final RecurringJobs recurring = new RecurringJobs(null, runner, Duration.ofMinutes(60), clock); // no reconciliation here

    static JsonNode firing(String jobType, String scheduledTime) {
        return Json.read("{\"jobType\": \"" + jobType + "\", \"payload\": {\"n\": 12345678901234567.89}, \"scheduleName\":"
                + " \"arn:aws:scheduler:us-east-1:1:schedule/default/lapse-daily-report\", \"scheduledTime\": \"" + scheduledTime + "\"}");
    }

    @Test
    void aFiringRunsOnceAsAJobDueAtItsScheduledTime() {
        JsonNode answer = recurring.handle(firing("report.daily", "2026-12-01T08:00:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("RAN");
        assertThat(answer.path("detail").asText()).isEqualTo("Job Due published");
        assertThat(answer.path("jobId").asText()).isEqualTo("recurring:lapse-daily-report:2026-12-01T08:00:00Z");
        assertThat(answer.path("scheduledTime").asText()).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(ran).singleElement().satisfies(job -> {
            assertThat(job.type()).isEqualTo("report.daily");
            assertThat(job.dueAt()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
            assertThat(job.occurrenceId()).isEqualTo(job.jobId());
            assertThat(job.payload()).isEqualTo("{\"n\":12345678901234567.89}");
            assertThat(job.requestedBy()).isEqualTo("schedule:lapse-daily-report");
            assertThat(job.scheduledAt()).isEqualTo(T0);
        });

        JsonNode again = recurring.handle(firing("report.daily", "2026-12-01T08:00:00Z"));
        assertThat(again.path("outcome").asText()).as("the scheduler delivers at least once").isEqualTo("DUPLICATE");
        assertThat(ran).hasSize(1);
        clock.set(Instant.parse("2026-12-01T08:01:00.200Z"));
        assertThat(recurring.handle(firing("report.daily", "2026-12-01T08:01:00Z")).path("outcome").asText())
                .as("the next firing is another occurrence").isEqualTo("RAN");
        assertThat(ran).hasSize(2);
    }

    @Test
    void aClassicScheduledEventRunsTooNamedAfterItsRule() {
        JsonNode answer = recurring.handle(Json.read("{\"detail-type\": \"Scheduled Event\", \"source\": \"aws.events\","
                + " \"time\": \"2026-12-01T07:00:00Z\", \"resources\": [\"arn:aws:events:us-east-1:1:rule/nightly\"],"
                + " \"detail\": {\"jobType\": \"cleanup.nightly\"}}"));

        assertThat(answer.path("jobId").asText()).isEqualTo("recurring:nightly:2026-12-01T07:00:00Z");
        assertThat(ran).singleElement().satisfies(job -> {
            assertThat(job.payload()).as("no payload: an empty object").isEqualTo("{}");
            assertThat(job.requestedBy()).isEqualTo("schedule:nightly");
        });
    }

    @Test
    void withoutAScheduledTimeOrWithTheUnfilledPlaceholderTheFiringIsDueNow() {
        recurring.handle(Json.read("{\"jobType\": \"report.daily\"}"));
        clock.tick(Duration.ofSeconds(1));
        recurring.handle(firing("report.daily", "<aws.scheduler.scheduled-time>"));

        assertThat(ran).extracting(Job::dueAt).containsExactly(T0, T0.plusSeconds(1));
        assertThat(ran.get(0).jobId()).isEqualTo("recurring:schedule:" + T0);
    }

    @Test
    void aTransientFailureKeepsTheFiringAsAOneTimeJobTriedAgainShortly() {
        failure = new TransientFailureException("PutEvents throttled");

        JsonNode answer = recurring.handle(firing("report.daily", "2026-12-01T08:00:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("RETRY_SCHEDULED");
        assertThat(answer.path("detail").asText()).contains("PutEvents throttled");
        Job kept = table.items.get("recurring:lapse-daily-report:2026-12-01T08:00:00Z");
        assertThat(kept).as("kept in the table under the firing's id").isNotNull();
        assertThat(kept.dueAt()).isEqualTo(T0.plus(JobRunner.TRANSIENT_RETRY));
        assertThat(kept.attempt()).isEqualTo(1);
        assertThat(ran).isEmpty();
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndNothingRuns() {
        assertThatThrownBy(() -> recurring.handle(Json.read("[1]"))).isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).field()).isEqualTo("(input)");
        assertThatThrownBy(() -> recurring.handle(firing("not a type!", "2026-12-01T08:00:00Z"))).isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).field()).isEqualTo("jobType");
        assertThatThrownBy(() -> recurring.handle(firing("report.daily", "yesterday"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("yesterday").extracting(e -> ((InvalidRequestException) e).field()).isEqualTo("scheduledTime");
        assertThat(ran).isEmpty();
        assertThat(table.items).isEmpty();
    }
}
