package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.seconds;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.Lapse;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.local.LocalRuntime;
import dev.lapse.local.RuntimeOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The precise path alone: TTL deletion is switched off in this runtime, so a job can only run
 * because its due-jobs queue message (SQS DelaySeconds) arrived.
 */
class PrecisePathIT extends ScenarioSuite {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(RuntimeOptions.defaults(LocalRuntimeEnvironment.root()).withoutTtl().withSchedules(false));
    }

    /**
     * The sweep function's answer is its report; with no mark yet it reads the whole window (15 minutes back to the
     * 900 s horizon ahead: 31 minutes x 8 shards), and the next sweep reads only from that sweep's mark on, unless it
     * falls at a quarter hour, when every sweep reads the whole window. Nothing here is beyond the horizon to find.
     */
    @Test
    void aSweepAnswersItsReportAndTheNextReadsFromItsMark() {
        JsonNode first = steps.invoke("SweepDueJobsFunction", "{}");
        assertThat(first.path("buckets").asInt()).as("the whole window: " + first).isEqualTo(248);
        assertThat(List.of(first.path("found").asInt(), first.path("handed").asInt(), first.path("notSent").asInt(),
                first.path("notMarked").asInt())).as(first.toString()).containsOnly(0);

        int minuteBefore = Instant.now().atZone(java.time.ZoneOffset.UTC).getMinute();
        JsonNode second = steps.invoke("SweepDueJobsFunction", "{}");
        int minuteAfter = Instant.now().atZone(java.time.ZoneOffset.UTC).getMinute();
        int buckets = second.path("buckets").asInt();
        if (minuteBefore % 15 != 0 && minuteAfter % 15 != 0) {
            // from the mark's reach less 2 minutes to the new reach: 3 or 4 minutes of 8 shards
            assertThat(buckets).as("from the first sweep's mark: " + second).isBetween(24, 32);
        } else {
            assertThat(buckets).as("at or about a quarter hour: " + second).satisfiesAnyOf(
                    b -> assertThat(b).isEqualTo(248), b -> assertThat(b).isBetween(24, 32));
        }
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

    @Test
    void aJobTakenByAnInvocationThatDiedIsRecoveredFromItsClaim() throws Exception {
        String jobId = unique("orphan");
        var runtime = ((LocalRuntimeEnvironment) env).runtime();
        var lapse = runtime.lapse("RunDueJobsFunction");
        Job job = storedJobDueNow(lapse, jobId);
        Instant due = job.dueAt();
        // An invocation takes and claims the job, then dies: the job is in neither the table nor a finished claim.
        var taken = lapse.store().takeAndClaim(job, Instant.MAX, lapse.ledger(), j -> Optional.empty());
        assertThat(taken.job()).isPresent();
        assertThat(steps.job(jobId)).isEmpty();
        env.dynamo().updateItem(r -> r.tableName(env.executionsTable())
                .key(Map.of("occurrenceId", AttributeValue.fromS(job.occurrenceId())))
                .updateExpression("SET leaseUntil = :past")
                .expressionAttributeValues(Map.of(":past",
                        AttributeValue.fromN(Long.toString(System.currentTimeMillis() - 1)))));

        // SQS delivers the message again after its visibility timeout.
        var message = (ObjectNode) Json.read(Scenarios.sample("due-jobs-message.json"));
        var record = (ObjectNode) message.path("Records").get(0);
        record.put("body", Json.write(Json.object().put("jobId", jobId).put("occurrenceId", job.occurrenceId()).put("dueAt", due.toString())));
        JsonNode answer = Json.read(runtime.function("RunDueJobsFunction").invoke(Json.write(message)));

        assertThat(answer.path("batchItemFailures")).isEmpty();
        await("the orphaned job ran", Duration.ofSeconds(5), () -> steps.jobDue(jobId).size() == 1);
        Json.read(runtime.function("RunDueJobsFunction").invoke(Json.write(message)));
        Scenarios.sleep(500);
        assertThat(steps.jobDue(jobId)).as("a later redelivery does not run it again").hasSize(1);
    }

    @Test
    void aDueJobsMessageSqsGaveUpOnIsReplayedFromItsClaim() {
        String jobId = unique("redriven");
        var runtime = ((LocalRuntimeEnvironment) env).runtime();
        var lapse = runtime.lapse("RunDueJobsFunction");
        Job job = storedJobDueNow(lapse, jobId);
        Instant due = job.dueAt();
        // Taken, then given back after a transient failure that also kept it from going back into the table ...
        lapse.store().takeAndClaim(job, Instant.MAX, lapse.ledger(), j -> Optional.empty());
        lapse.ledger().release(job.occurrenceId(), 1);
        // ... until SQS moved its message to the redrive queue.
        String pointer = Json.write(Json.object().put("jobId", jobId).put("occurrenceId", job.occurrenceId()).put("dueAt", due.toString()));
        env.sqs().sendMessage(r -> r.queueUrl(runtime.queueUrl("DueJobsRedriveQueue")).messageBody(pointer));

        JsonNode replay = steps.invoke("ReplayDeadLettersFunction", Json.write(Json.object().put("source", "due-jobs-redrive")));

        assertThat(replay.path("replayed")).extracting(JsonNode::asText).containsExactly(jobId);
        await("the redriven job ran", Duration.ofSeconds(10), () -> steps.jobDue(jobId).size() == 1);
        JsonNode again = steps.invoke("ReplayDeadLettersFunction", Json.write(Json.object().put("source", "due-jobs-redrive")));
        assertThat(again.path("replayed")).isEmpty();
    }

    /** A job just due, stored in the Jobs table (TTL is off here, so only the due-jobs path can take it). */
    private static Job storedJobDueNow(Lapse lapse, String jobId) {
        Instant due = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        Job job = new Job(jobId, "invoice.remind", "{}", due, due.toString(), unique("occ"), 1, Optional.empty(), List.of(), due, "test");
        lapse.store().create(job);
        return job;
    }
}
