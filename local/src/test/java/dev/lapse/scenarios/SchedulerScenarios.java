package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.seconds;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The end-to-end scenarios of the core scheduler, written once against {@link LapseEnvironment}
 * and run against each environment by a subclass. Requests go in as EventBridge events or direct
 * invocations through real SDK clients; outcomes are read from the tables and the bus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SchedulerScenarios {
    protected LapseEnvironment env;
    protected Scenarios steps;

    protected abstract LapseEnvironment createEnvironment();

    @BeforeAll
    void startEnvironment() {
        env = createEnvironment();
        steps = new Scenarios(env);
    }

    @AfterAll
    void stopEnvironment() {
        if (env != null) {
            env.close();
        }
    }

    /** A generic job due at {@code due}: once it has run, every job due no later than it has had its chance. */
    private String canary(Instant due) {
        String id = unique("canary");
        steps.schedule(id, "test.canary", due, Json.object());
        return id;
    }

    private void awaitRan(String jobId) {
        await("job " + jobId + " has run", env.expiryBound(), () -> !steps.jobDue(jobId).isEmpty());
    }

    @Test
    void licenceIsDeactivatedAfterItsPaidPeriodAndNotBefore() {
        String licence = unique("LIC");
        Instant paidUntil = seconds(3);
        steps.put("Subscription Cancelled", Json.object().put("licenceId", licence).put("paidUntil", paidUntil.toString()));

        await("licence marked cancelled", env.requestBound(), () -> steps.licenceStatus(licence).equals("CANCELLED"));
        assertThat(steps.job("licence-deactivate:" + licence)).as("deactivation job stored").isPresent();
        while (Instant.now().isBefore(paidUntil.minusMillis(300))) {
            assertThat(steps.licenceStatus(licence)).as("status before the paid period ends").isEqualTo("CANCELLED");
            Scenarios.sleep(100);
        }
        await("licence deactivated", env.expiryBound(), () -> steps.licenceStatus(licence).equals("DEACTIVATED"));
        Instant deactivatedAt = Instant.parse(steps.licence(licence).orElseThrow().get("deactivatedAt").s());
        assertThat(deactivatedAt).as("deactivated at or after the end of the paid period").isAfterOrEqualTo(paidUntil);
        assertThat(steps.job("licence-deactivate:" + licence)).as("job gone after running").isEmpty();
    }

    @Test
    void aCancelledJobNeverRuns() {
        String jobId = unique("cancelled");
        Instant due = seconds(2);
        steps.schedule(jobId, "invoice.remind", due, Json.object().put("invoiceId", "INV-1"));
        await("job stored", env.requestBound(), () -> steps.job(jobId).isPresent());
        steps.put("Cancel Job", Json.object().put("jobId", jobId));
        await("job removed by the cancel", env.requestBound(), () -> steps.job(jobId).isEmpty());
        String canary = canary(due);

        awaitRan(canary);
        Scenarios.sleep(env.settleTime().toMillis());
        assertThat(steps.jobDue(jobId)).as("Job Due events of the cancelled job").isEmpty();
    }

    @Test
    void aReactivatedLicenceIsNotDeactivated() {
        String licence = unique("LIC");
        Instant paidUntil = seconds(2);
        steps.put("Subscription Cancelled", Json.object().put("licenceId", licence).put("paidUntil", paidUntil.toString()));
        await("licence marked cancelled", env.requestBound(), () -> steps.licenceStatus(licence).equals("CANCELLED"));
        steps.put("Subscription Reactivated", Json.object().put("licenceId", licence));
        await("licence active again", env.requestBound(), () -> steps.licenceStatus(licence).equals("ACTIVE"));
        await("deactivation job cancelled", env.requestBound(), () -> steps.job("licence-deactivate:" + licence).isEmpty());
        String canary = canary(paidUntil);

        awaitRan(canary);
        Scenarios.sleep(env.settleTime().toMillis());
        assertThat(steps.licenceStatus(licence)).isEqualTo("ACTIVE");
    }

    @Test
    void aJobDeletedByAnOperatorNeverRuns() {
        String jobId = unique("deleted");
        Instant due = seconds(2);
        steps.schedule(jobId, "invoice.remind", due, Json.object());
        await("job stored", env.requestBound(), () -> steps.job(jobId).isPresent());
        env.dynamo().deleteItem(r -> r.tableName(env.jobsTable()).key(Map.of("jobId", AttributeValue.fromS(jobId))));
        String canary = canary(due);

        awaitRan(canary);
        Scenarios.sleep(env.settleTime().toMillis());
        assertThat(steps.jobDue(jobId)).as("Job Due events of the deleted job").isEmpty();
    }

    @Test
    void aRescheduleMovesTheRun() {
        String jobId = unique("moved");
        steps.schedule(jobId, "invoice.remind", seconds(2), Json.object());
        await("job stored", env.requestBound(), () -> steps.job(jobId).isPresent());
        Instant newDue = seconds(5);
        steps.put("Reschedule Job", Json.object().put("jobId", jobId).put("dueAt", newDue.toString()));
        await("job moved", env.requestBound(),
                () -> steps.job(jobId).map(i -> i.get("dueAt").s().equals(newDue.toString())).orElse(false));

        awaitRan(jobId);
        JsonNode due = steps.jobDue(jobId).get(0).path("detail");
        assertThat(Instant.parse(due.path("dueAt").asText())).isEqualTo(newDue);
        assertThat(Instant.parse(due.path("firedAt").asText())).as("fired at or after the new due time").isAfterOrEqualTo(newDue);
        Scenarios.sleep(env.settleTime().toMillis());
        assertThat(steps.jobDue(jobId)).as("runs once").hasSize(1);
    }

    @Test
    void aGenericJobBecomesAJobDueEventWithItsPayload() {
        String jobId = unique("generic");
        Instant due = seconds(2);
        steps.schedule(jobId, "invoice.remind", due, Json.object().put("invoiceId", "INV-42"));

        awaitRan(jobId);
        JsonNode detail = steps.jobDue(jobId).get(0).path("detail");
        assertThat(detail.path("jobType").asText()).isEqualTo("invoice.remind");
        assertThat(detail.path("payload").path("invoiceId").asText()).isEqualTo("INV-42");
        assertThat(detail.path("attempt").asInt()).isEqualTo(1);
        assertThat(Instant.parse(detail.path("firedAt").asText())).isAfterOrEqualTo(due);
        assertThat(detail.path("latenessMs").asLong()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void directInvocationAnswersTheStoredJobOrAStructuredError() {
        String jobId = unique("direct");
        Instant due = seconds(3600);
        String request = Json.write(Json.object().put("detail-type", "Schedule Job").set("detail",
                Json.object().put("jobId", jobId).put("jobType", "trial.end").put("dueAt", due.toString())));
        JsonNode answer = steps.invoke("ScheduleJobFunction", request);
        assertThat(answer.path("ok").asBoolean()).isTrue();
        assertThat(answer.path("outcome").asText()).isEqualTo("SCHEDULED");
        assertThat(answer.path("job").path("ttl").asLong()).isEqualTo(due.getEpochSecond() + (due.getNano() > 0 ? 1 : 0));

        JsonNode again = steps.invoke("ScheduleJobFunction", request);
        assertThat(again.path("outcome").asText()).as("same jobId, same content").isEqualTo("UNCHANGED");

        String different = request.replace("trial.end", "trial.extend");
        JsonNode conflict = steps.invoke("ScheduleJobFunction", different);
        assertThat(conflict.path("ok").asBoolean()).isFalse();
        assertThat(conflict.path("error").path("code").asText()).isEqualTo("JOB_CONFLICT");

        String badId = unique("bad");
        JsonNode invalid = steps.invoke("ScheduleJobFunction", Json.write(Json.object().put("detail-type", "Schedule Job").set("detail",
                Json.object().put("jobId", badId).put("jobType", "trial.end").put("dueAt", "next tuesday"))));
        assertThat(invalid.path("error").path("field").asText()).isEqualTo("detail.dueAt");
        assertThat(invalid.path("error").path("accepted").asText()).contains("ISO-8601");
        assertThat(steps.job(badId)).as("nothing written for a refused request").isEmpty();
    }

    @Test
    void anInvalidEventBridgeRequestIsRejectedWithAJobRejectedEvent() {
        String jobId = unique("rejected");
        steps.put("Schedule Job", Json.object().put("jobId", jobId).put("jobType", "Not A Type").put("delay", "PT1M"));

        await("Job Rejected event", env.requestBound(), () -> !steps.events("Job Rejected", "").isEmpty()
                && env.lapseEvents().stream().anyMatch(e -> e.path("detail").path("request").path("detail").path("jobId").asText().equals(jobId)));
        JsonNode rejected = env.lapseEvents().stream()
                .filter(e -> e.path("detail").path("request").path("detail").path("jobId").asText().equals(jobId)).findFirst().orElseThrow();
        assertThat(rejected.path("detail").path("error").path("field").asText()).isEqualTo("detail.jobType");
        assertThat(steps.job(jobId)).isEmpty();
    }

    /** Builds a TTL REMOVE event (Lambda shape) for a job whose due time has just passed. */
    protected ObjectNode ttlRemoveEvent(String jobId, String type, ObjectNode payload, String occurrenceId) {
        ObjectNode event = (ObjectNode) Json.read(Scenarios.sample("ttl-remove-record.json"));
        ObjectNode record = (ObjectNode) event.path("Records").get(1);
        event.putArray("Records").add(record);
        ObjectNode image = (ObjectNode) record.path("dynamodb").path("OldImage");
        Instant due = Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        image.putObject("jobId").put("S", jobId);
        image.putObject("jobType").put("S", type);
        image.putObject("payload").put("S", Json.write(payload));
        image.putObject("dueAt").put("S", due.toString());
        image.putObject("dueSpec").put("S", due.toString());
        image.putObject("ttl").put("N", Long.toString(due.getEpochSecond()));
        image.putObject("occurrenceId").put("S", occurrenceId);
        ((ObjectNode) record.path("dynamodb")).putObject("Keys").putObject("jobId").put("S", jobId);
        return event;
    }

    @Test
    void aRecordDeliveredThreeTimesRunsOnce() {
        String licence = unique("LIC");
        env.dynamo().putItem(r -> r.tableName(env.licencesTable()).item(Map.of(
                "licenceId", AttributeValue.fromS(licence), "status", AttributeValue.fromS("CANCELLED"),
                "paidUntilEpoch", AttributeValue.fromN(Long.toString(Instant.now().minusSeconds(5).getEpochSecond())))));
        String licenceEvent = Json.write(ttlRemoveEvent("licence-deactivate:" + licence, "licence.deactivate",
                Json.object().put("licenceId", licence), unique("occ")));
        String jobId = unique("dup");
        String genericEvent = Json.write(ttlRemoveEvent(jobId, "invoice.remind", Json.object(), unique("occ")));

        for (int delivery = 1; delivery <= 3; delivery++) {
            JsonNode a = steps.invoke("RunExpiredJobsFunction", licenceEvent);
            JsonNode b = steps.invoke("RunExpiredJobsFunction", genericEvent);
            assertThat(a.path("batchItemFailures")).as("delivery " + delivery).isEmpty();
            assertThat(b.path("batchItemFailures")).as("delivery " + delivery).isEmpty();
        }

        assertThat(steps.licenceStatus(licence)).isEqualTo("DEACTIVATED");
        String deactivatedAt = steps.licence(licence).orElseThrow().get("deactivatedAt").s();
        await("Job Due of the generic job", env.requestBound(), () -> !steps.jobDue(jobId).isEmpty());
        Scenarios.sleep(env.settleTime().toMillis());
        assertThat(steps.jobDue(jobId)).as("one Job Due for three deliveries").hasSize(1);
        JsonNode again = steps.invoke("RunExpiredJobsFunction", licenceEvent);
        assertThat(again.path("batchItemFailures")).isEmpty();
        assertThat(steps.licence(licence).orElseThrow().get("deactivatedAt").s()).as("not deactivated a second time").isEqualTo(deactivatedAt);
    }
}
