package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.seconds;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What happens when things go wrong, end to end: failures are injected where the environment
 * allows it (PutEvents entries failing as EventBridge reports them), everything else is real.
 */
public abstract class FailureScenarios extends ScenarioSuite {
    @AfterEach
    void clearFaults() {
        env.faults().ifPresent(LapseEnvironment.FaultInjector::clear);
    }

    private LapseEnvironment.FaultInjector faults() {
        Assumptions.assumeTrue(env.faults().isPresent(), "this environment cannot inject failures");
        return env.faults().get();
    }

    private static java.util.function.Predicate<JsonNode> jobDueOf(String jobId) {
        return e -> "Job Due".equals(e.path("detail-type").asText()) && jobId.equals(e.path("detail").path("jobId").asText());
    }

    private static ObjectNode fastRetry(int maxAttempts) {
        return Json.object().put("maxAttempts", maxAttempts).put("baseDelaySeconds", 1).put("maxDelaySeconds", 4);
    }

    private List<Message> drain(String queueUrl, String mustContain, Duration bound) {
        List<Message> found = new ArrayList<>();
        await("a message mentioning " + mustContain + " in " + queueUrl, bound, () -> {
            for (Message m : env.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(0)).messages()) {
                if (m.body().contains(mustContain) && found.stream().noneMatch(f -> f.messageId().equals(m.messageId()))) {
                    found.add(m);
                }
            }
            return !found.isEmpty();
        });
        return found;
    }

    @Test
    void anActionFailingTwiceThenSucceedingRunsOnceAfterGrowingDelays() {
        String jobId = unique("flaky");
        faults().failEntries(jobDueOf(jobId), 2, "AccessDeniedException");
        List<Map<String, AttributeValue>> armed = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                steps.job(jobId).ifPresent(item -> {
                    if (armed.stream().noneMatch(a -> a.get("attempt").n().equals(item.get("attempt").n()))) {
                        armed.add(item);
                    }
                });
                Scenarios.sleep(20);
            }
        });
        watcher.start();
        try {
            steps.schedule(jobId, "invoice.remind", seconds(1), Json.object(), fastRetry(5));
            await("the third attempt succeeded", Duration.ofSeconds(30), () -> !steps.jobDue(jobId).isEmpty());
        } finally {
            watching.set(false);
        }
        Scenarios.sleep(1000);

        assertThat(steps.jobDue(jobId)).as("exactly one Job Due").hasSize(1);
        assertThat(steps.jobDue(jobId).get(0).path("detail").path("attempt").asInt()).isEqualTo(3);
        assertThat(armed).extracting(a -> a.get("attempt").n()).containsExactly("1", "2", "3");
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 2; attempt <= 3; attempt++) {
            Map<String, AttributeValue> item = armed.get(attempt - 1);
            JsonNode errors = Json.read(item.get("errors").s());
            assertThat(errors).as("errors kept on attempt " + attempt).hasSize(attempt - 1);
            Instant failedAt = Instant.parse(errors.get(attempt - 2).path("at").asText());
            delays.add(Duration.between(failedAt, Instant.parse(item.get("dueAt").s())));
            assertThat(errors.get(attempt - 2).path("error").asText()).contains("AccessDeniedException");
        }
        assertThat(delays.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(delays.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(delays.get(1)).as("delays grow").isGreaterThanOrEqualTo(delays.get(0));
    }

    @Test
    void anAlwaysFailingJobIsDeadLetteredAfterMaxAttemptsAndReplayRunsIt() {
        String jobId = unique("doomed");
        faults().failEntries(jobDueOf(jobId), 3, "AccessDeniedException");
        steps.schedule(jobId, "invoice.remind", seconds(1), Json.object().put("invoiceId", "INV-9"), fastRetry(3));

        List<Message> dead = drain(env.deadLetterQueueUrl(), jobId, Duration.ofSeconds(30));
        JsonNode message = Json.read(dead.get(0).body());
        assertThat(message.path("job").path("attempts").asInt()).isEqualTo(3);
        assertThat(message.path("job").path("payload").path("invoiceId").asText()).isEqualTo("INV-9");
        assertThat(message.path("errors")).hasSize(3);
        assertThat(message.path("reason").asText()).contains("3 attempt");
        await("Job Failed event", Duration.ofSeconds(5), () -> !steps.events("Job Failed", jobId).isEmpty());
        assertThat(steps.jobDue(jobId)).isEmpty();
        assertThat(steps.job(jobId)).as("not re-armed after the last attempt").isEmpty();

        JsonNode replay = steps.invoke("ReplayDeadLettersFunction", Json.write(Json.object().put("source", "dead-letters").put("jobId", jobId)));
        assertThat(replay.path("replayed")).extracting(JsonNode::asText).containsExactly(jobId);
        await("the replayed job ran", Duration.ofSeconds(20), () -> !steps.jobDue(jobId).isEmpty());
        assertThat(steps.jobDue(jobId).get(0).path("detail").path("attempt").asInt()).isEqualTo(1);
        JsonNode again = steps.invoke("ReplayDeadLettersFunction", Json.write(Json.object().put("source", "dead-letters").put("jobId", jobId)));
        assertThat(again.path("replayed")).as("the message was consumed by the replay").isEmpty();
    }

    /** "Get Job": the state and story of a job, by direct invocation. */
    private JsonNode getJob(String jobId) {
        return steps.invoke("ScheduleJobFunction", Json.write(Json.object().put("detail-type", "Get Job")
                .set("detail", Json.object().put("jobId", jobId))));
    }

    private JsonNode listDeadLetters() {
        return steps.invoke("ScheduleJobFunction", Json.write(Json.object().put("detail-type", "List Jobs")
                .set("detail", Json.object().put("state", "dead-lettered").put("limit", 100))));
    }

    @Test
    void getJobTellsTheStoryOfAJobThatWasScheduledCancelledRunFailedDeadLetteredAndReplayed() {
        String pending = unique("story-pending");
        String cancelled = unique("story-cancelled");
        String ran = unique("story-ran");
        String doomed = unique("story-doomed");
        faults().failEntries(jobDueOf(doomed), 2, "AccessDeniedException");
        steps.schedule(pending, "report.daily", seconds(3600), Json.object().put("n", 1));
        steps.schedule(cancelled, "report.daily", seconds(3600), Json.object());
        steps.schedule(ran, "report.daily", seconds(1), Json.object());
        steps.schedule(doomed, "invoice.remind", seconds(1), Json.object().put("invoiceId", "INV-7"), fastRetry(2));
        // the requests went by the bus, which invokes the scheduling function on its own: wait for them to be written
        await("the pending and the cancelled job written", Duration.ofSeconds(10),
                () -> steps.job(pending).isPresent() && steps.job(cancelled).isPresent());

        JsonNode waiting = getJob(pending);
        assertThat(waiting.path("ok").asBoolean()).isTrue();
        assertThat(waiting.path("job").path("state").asText()).isEqualTo("pending");
        assertThat(waiting.path("job").path("payload").path("n").asInt()).isEqualTo(1);
        assertThat(waiting.path("history")).isEmpty();

        steps.invoke("ScheduleJobFunction", Json.write(Json.object().put("detail-type", "Cancel Job").set("detail", Json.object().put("jobId", cancelled))));
        JsonNode gone = getJob(cancelled);
        assertThat(gone.path("job").path("state").asText()).isEqualTo("cancelled");
        assertThat(gone.path("history").get(0).path("outcome").asText()).isEqualTo("CANCELLED");

        await("the job ran", Duration.ofSeconds(30), () -> getJob(ran).path("job").path("state").asText().equals("done"));
        JsonNode done = getJob(ran).path("history").get(0);
        assertThat(done.path("outcome").asText()).isEqualTo("RAN");
        assertThat(done.path("attempt").asInt()).isEqualTo(1);
        assertThat(done.path("latenessMs").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(Instant.parse(done.path("firedAt").asText())).isAfterOrEqualTo(Instant.parse(done.path("dueAt").asText()));
        assertThat(done.path("trigger").asText()).isIn("ttl", "due-jobs-queue");
        assertThat(done.path("error").isNull()).isTrue();

        await("the doomed job was dead-lettered", Duration.ofSeconds(30),
                () -> getJob(doomed).path("job").path("state").asText().equals("dead-lettered"));
        JsonNode story = getJob(doomed).path("history");
        assertThat(story).extracting(h -> h.path("outcome").asText()).containsExactly("DEAD_LETTERED", "RETRY_SCHEDULED");
        assertThat(story).extracting(h -> h.path("attempt").asInt()).containsExactly(2, 1);
        assertThat(story.get(1).path("error").asText()).contains("AccessDeniedException");
        assertThat(listDeadLetters().path("jobs")).extracting(j -> j.path("jobId").asText()).contains(doomed);

        JsonNode replay = steps.invoke("ReplayDeadLettersFunction", Json.write(Json.object().put("source", "dead-letters").put("jobId", doomed)));
        assertThat(replay.path("replayed")).extracting(JsonNode::asText).containsExactly(doomed);
        assertThat(listDeadLetters().path("jobs")).extracting(j -> j.path("jobId").asText()).as("replayed: no longer listed").doesNotContain(doomed);
        await("the replayed job ran", Duration.ofSeconds(30), () -> getJob(doomed).path("job").path("state").asText().equals("done"));
        assertThat(getJob(doomed).path("history")).extracting(h -> h.path("outcome").asText()).containsExactly("RAN", "DEAD_LETTERED", "RETRY_SCHEDULED");

        JsonNode unknown = getJob(unique("never-scheduled"));
        assertThat(unknown.path("ok").asBoolean()).isFalse();
        assertThat(unknown.path("error").path("field").asText()).isEqualTo("detail.jobId");
    }

    @Test
    void aPoisonRecordGoesToTheOnFailureDestinationWhileTheRestCompletesAndCanBeReplayed() {
        String poison = unique("poison");
        String first = unique("healthy");
        String second = unique("healthy");
        faults().failEntries(jobDueOf(poison), 1_000, "ThrottlingException");
        Instant due = seconds(2);
        steps.schedule(first, "invoice.remind", due, Json.object());
        steps.schedule(poison, "invoice.remind", due, Json.object());
        steps.schedule(second, "invoice.remind", due, Json.object());

        List<Message> failures = drain(env.streamFailureQueueUrl(), "DDBStreamBatchInfo", Duration.ofSeconds(40));
        JsonNode info = Json.read(failures.get(0).body()).path("DDBStreamBatchInfo");
        assertThat(info.path("streamArn").asText()).contains(env.jobsTable());
        await("the healthy jobs ran", Duration.ofSeconds(10), () -> steps.jobDue(first).size() == 1 && steps.jobDue(second).size() == 1);
        assertThat(steps.jobDue(poison)).isEmpty();

        env.faults().get().clear();
        JsonNode replay = steps.invoke("ReplayDeadLettersFunction", Json.write(Json.object().put("source", "stream-failures")));
        assertThat(replay.path("replayed")).as(replay.toString()).extracting(JsonNode::asText).containsExactly(poison);
        await("the replayed poison job ran", Duration.ofSeconds(20), () -> !steps.jobDue(poison).isEmpty());
        Scenarios.sleep(500);
        assertThat(steps.jobDue(first)).as("healthy jobs still ran once").hasSize(1);
        assertThat(steps.jobDue(second)).hasSize(1);
    }

    @Test
    void aHandlerKilledAfterTheActionAndBeforeTheCheckpointDoesNotRunItTwice() {
        String licence = unique("LIC");
        env.dynamo().putItem(r -> r.tableName(env.licencesTable()).item(Map.of(
                "licenceId", AttributeValue.fromS(licence), "status", AttributeValue.fromS("CANCELLED"),
                "paidUntilEpoch", AttributeValue.fromN(Long.toString(Instant.now().minusSeconds(5).getEpochSecond())))));
        String jobId = unique("crash");
        String licenceEvent = Json.write(ScenarioRecords.ttlRemove("licence-deactivate:" + licence, "licence.deactivate",
                Json.object().put("licenceId", licence), unique("occ")));
        String jobEvent = Json.write(ScenarioRecords.ttlRemove(jobId, "invoice.remind", Json.object(), unique("occ")));

        // The first delivery does its work; the "crash" is that its answer never reaches the stream, so the
        // checkpoint does not move and Lambda delivers the same batch again.
        steps.invoke("RunExpiredJobsFunction", licenceEvent);
        steps.invoke("RunExpiredJobsFunction", jobEvent);
        String deactivatedAt = steps.licence(licence).orElseThrow().get("deactivatedAt").s();
        JsonNode redelivered = steps.invoke("RunExpiredJobsFunction", licenceEvent);
        steps.invoke("RunExpiredJobsFunction", jobEvent);

        assertThat(redelivered.path("batchItemFailures")).isEmpty();
        assertThat(steps.licence(licence).orElseThrow().get("deactivatedAt").s()).isEqualTo(deactivatedAt);
        Scenarios.sleep(300);
        assertThat(steps.jobDue(jobId)).hasSize(1);
    }

    @Test
    void aRunnerThatDiedWhileInFlightDoesNotLeaveTheJobStuck() {
        String jobId = unique("stuck");
        String occurrence = unique("occ");
        long now = System.currentTimeMillis();
        env.dynamo().putItem(r -> r.tableName(env.executionsTable()).item(Map.of(
                "occurrenceId", AttributeValue.fromS(occurrence), "jobId", AttributeValue.fromS(jobId),
                "attempt", AttributeValue.fromN("1"), "state", AttributeValue.fromS("IN_FLIGHT"),
                "leaseUntil", AttributeValue.fromN(Long.toString(now + 1500)),
                "expiresAt", AttributeValue.fromN(Long.toString(now / 1000 + 3600)))));
        String event = Json.write(ScenarioRecords.ttlRemove(jobId, "invoice.remind", Json.object(), occurrence));

        JsonNode whileLeased = steps.invoke("RunExpiredJobsFunction", event);

        assertThat(whileLeased.path("batchItemFailures")).as("the shard is not held up").isEmpty();
        assertThat(steps.jobDue(jobId)).isEmpty();
        var deferred = steps.job(jobId);
        assertThat(deferred).as("put back to be looked at when the lease ends").isPresent();
        assertThat(Instant.parse(deferred.get().get("dueAt").s())).isAfter(Instant.ofEpochMilli(now + 1500));
        await("the job ran after the dead runner's lease", env.expiryBound(), () -> steps.jobDue(jobId).size() == 1);
        Scenarios.sleep(env.settleTime().toMillis());
        assertThat(steps.jobDue(jobId)).hasSize(1);
    }

    @Test
    void anUnreadableRecordIsDeadLetteredWithItsReasonAndDoesNotBlockTheBatch() {
        String healthy = unique("healthy");
        ObjectNode event = ScenarioRecords.ttlRemove(healthy, "invoice.remind", Json.object(), unique("occ"));
        JsonNode corrupt = Json.read(Scenarios.sample("ttl-remove-corrupt-record.json")).path("Records").get(0);
        String marker = unique("corrupt");
        ((ObjectNode) corrupt.path("dynamodb").path("OldImage")).putObject("jobId").put("S", marker);
        ((com.fasterxml.jackson.databind.node.ArrayNode) event.path("Records")).insert(0, corrupt);

        JsonNode answer = steps.invoke("RunExpiredJobsFunction", Json.write(event));

        assertThat(answer.path("batchItemFailures")).isEmpty();
        List<Message> dead = drain(env.deadLetterQueueUrl(), marker, Duration.ofSeconds(10));
        assertThat(Json.read(dead.get(0).body()).path("reason").asText()).contains("attribute").contains("missing");
        await("the healthy record in the same batch ran", Duration.ofSeconds(5), () -> steps.jobDue(healthy).size() == 1);
    }
}
