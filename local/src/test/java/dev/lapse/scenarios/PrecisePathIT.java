package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.seconds;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.local.LocalRuntime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The precise path alone: TTL deletion is switched off in this runtime, so a job can only run
 * because its due-jobs queue message (SQS DelaySeconds) arrived.
 */
class PrecisePathIT extends ScenarioSuite {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(LocalRuntime.Options.defaults(LocalRuntimeEnvironment.root()).withoutTtl().withSchedules(false));
    }

    @Test
    void aDueTimeAlreadyPastRunsPromptly() {
        String jobId = unique("late");
        steps.schedule(jobId, "invoice.remind", Instant.now().minus(Duration.ofMinutes(30)), Json.object());

        await("the overdue job ran", Duration.ofSeconds(5), () -> !steps.jobDue(jobId).isEmpty());
        assertThat(steps.jobDue(jobId).get(0).path("detail").path("trigger").asText()).isEqualTo("due-jobs-queue");
    }

    @Test
    void aJobDueWithinFifteenMinutesRunsAtItsDueTimeNotBefore() {
        String jobId = unique("soon");
        Instant due = seconds(3);
        steps.schedule(jobId, "invoice.remind", due, Json.object());

        await("the job ran", Duration.ofSeconds(10), () -> !steps.jobDue(jobId).isEmpty());
        JsonNode detail = steps.jobDue(jobId).get(0).path("detail");
        assertThat(Instant.parse(detail.path("firedAt").asText())).isAfterOrEqualTo(due);
        assertThat(detail.path("trigger").asText()).isEqualTo("due-jobs-queue");
    }

    @Test
    void aCancelledJobsQueueMessageFindsNothingToRun() {
        String jobId = unique("cancel-precise");
        String canary = unique("canary");
        Instant due = seconds(2);
        steps.schedule(jobId, "invoice.remind", due, Json.object());
        steps.schedule(canary, "test.canary", due, Json.object());
        await("job stored", Duration.ofSeconds(5), () -> steps.job(jobId).isPresent());
        steps.put("Cancel Job", Json.object().put("jobId", jobId));
        await("job cancelled", Duration.ofSeconds(5), () -> steps.job(jobId).isEmpty());

        await("canary ran", Duration.ofSeconds(10), () -> !steps.jobDue(canary).isEmpty());
        Scenarios.sleep(500);
        assertThat(steps.jobDue(jobId)).isEmpty();
    }
}
