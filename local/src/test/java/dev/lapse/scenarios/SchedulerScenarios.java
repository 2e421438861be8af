package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.seconds;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.run.SqsDueJobsQueue;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The end-to-end scenarios of the core scheduler, written once against {@link LapseEnvironment}
 * and run against each environment by a subclass. Requests go in as EventBridge events or direct
 * invocations through real SDK clients; outcomes are read from the tables and the bus.
 */
public abstract class SchedulerScenarios extends ScenarioSuite {
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
        await("deactivation job stored", env.requestBound(), () -> steps.job("licence-deactivate:" + licence).isPresent());
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
        // ttl: the due time rounded up, plus the grace by which TTL stays behind the due-jobs queue when there is one
        long ttl = due.getEpochSecond() + (due.getNano() > 0 ? 1 : 0) + (env.preciseDelivery() ? SqsDueJobsQueue.TTL_GRACE.toSeconds() : 0);
        assertThat(answer.path("job").path("ttl").asLong()).isEqualTo(ttl);
        assertThat(steps.job(jobId).orElseThrow().get("ttl").n()).as("the answer shows the ttl the item was written with")
                .isEqualTo(Long.toString(ttl));

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

    @Test
    void aRecordDeliveredThreeTimesRunsOnce() {
        String licence = unique("LIC");
        env.dynamo().putItem(r -> r.tableName(env.licencesTable()).item(Map.of(
                "licenceId", AttributeValue.fromS(licence), "status", AttributeValue.fromS("CANCELLED"),
                "paidUntilEpoch", AttributeValue.fromN(Long.toString(Instant.now().minusSeconds(5).getEpochSecond())))));
        String licenceEvent = Json.write(ScenarioRecords.ttlRemove("licence-deactivate:" + licence, "licence.deactivate",
                Json.object().put("licenceId", licence), unique("occ")));
        String jobId = unique("dup");
        String genericEvent = Json.write(ScenarioRecords.ttlRemove(jobId, "invoice.remind", Json.object(), unique("occ")));

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

    @Test
    void theLicenceReconciliationDeactivatesOnlyLicencesPastTheirGracePeriod() {
        String overdue = unique("LIC-overdue");
        String recent = unique("LIC-recent");
        long now = Instant.now().getEpochSecond();
        for (var licence : Map.of(overdue, now - 2 * 3600, recent, now - 600).entrySet()) {
            env.dynamo().putItem(r -> r.tableName(env.licencesTable()).item(Map.of(
                    "licenceId", AttributeValue.fromS(licence.getKey()), "status", AttributeValue.fromS("CANCELLED"),
                    "paidUntilEpoch", AttributeValue.fromN(Long.toString(licence.getValue())))));
        }
        ObjectNode firing = (ObjectNode) Json.read(Scenarios.sample("scheduled-licence-reconciliation.json"));
        firing.put("scheduledTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());

        JsonNode answer = steps.invoke("RunRecurringJobsFunction", Json.write(firing));

        assertThat(answer.path("outcome").asText()).isEqualTo("RECONCILED");
        assertThat(steps.licenceStatus(overdue)).isEqualTo("DEACTIVATED");
        assertThat(steps.licenceStatus(recent)).as("still within the 60-minute grace period").isEqualTo("CANCELLED");
    }

    @Test
    void aCronFiringEmitsOneJobDueEvenWhenTheSchedulerDeliversItTwice() {
        ObjectNode firing = (ObjectNode) Json.read(Scenarios.sample("scheduled-daily-report.json"));
        Instant scheduled = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusMillis(1);
        firing.put("scheduledTime", scheduled.toString());
        firing.put("scheduleName", firing.path("scheduleName").asText() + "-" + unique("t"));

        JsonNode first = steps.invoke("RunRecurringJobsFunction", Json.write(firing));
        JsonNode second = steps.invoke("RunRecurringJobsFunction", Json.write(firing));

        assertThat(first.path("outcome").asText()).isEqualTo("RAN");
        assertThat(second.path("outcome").asText()).isEqualTo("DUPLICATE");
        String jobId = first.path("jobId").asText();
        await("Job Due of the firing", env.requestBound(), () -> !steps.jobDue(jobId).isEmpty());
        JsonNode detail = steps.jobDue(jobId).get(0).path("detail");
        assertThat(detail.path("jobType").asText()).isEqualTo("report.daily");
        assertThat(detail.path("payload").path("report").asText()).isEqualTo("daily-summary");
        assertThat(detail.path("trigger").asText()).isEqualTo("schedule");
        Scenarios.sleep(env.settleTime().toMillis());
        assertThat(steps.jobDue(jobId)).hasSize(1);
    }

    @Test
    void aDeactivatedLicenceCannotBeCancelledAgain() {
        String licence = unique("LIC");
        env.dynamo().putItem(r -> r.tableName(env.licencesTable()).item(Map.of(
                "licenceId", AttributeValue.fromS(licence), "status", AttributeValue.fromS("DEACTIVATED"))));
        String request = Json.write(Json.object().put("detail-type", "Subscription Cancelled").set("detail",
                Json.object().put("licenceId", licence).put("paidUntil", seconds(3600).toString())));

        JsonNode answer = steps.invoke("ScheduleJobFunction", request);

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").path("code").asText()).isEqualTo("LICENCE_DEACTIVATED");
        assertThat(answer.path("error").path("field").asText()).isEqualTo("detail.licenceId");
        assertThat(steps.job("licence-deactivate:" + licence)).isEmpty();
        assertThat(steps.licenceStatus(licence)).isEqualTo("DEACTIVATED");
    }

    @Test
    void anOlderSubscriptionEventDeliveredLateDoesNotUndoANewerOne() {
        String licence = unique("LIC");
        Instant reactivatedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String reactivated = Json.write(Json.object().put("detail-type", "Subscription Reactivated")
                .put("time", reactivatedAt.toString()).set("detail", Json.object().put("licenceId", licence)));
        String lateCancel = Json.write(Json.object().put("detail-type", "Subscription Cancelled")
                .put("time", reactivatedAt.minusSeconds(60).toString())
                .set("detail", Json.object().put("licenceId", licence).put("paidUntil", seconds(2).toString())));

        assertThat(steps.invoke("ScheduleJobFunction", reactivated).path("outcome").asText()).isEqualTo("NOT_FOUND");
        JsonNode answer = steps.invoke("ScheduleJobFunction", lateCancel);

        assertThat(answer.path("outcome").asText()).isEqualTo("STALE");
        assertThat(steps.licenceStatus(licence)).isEqualTo("ACTIVE");
        assertThat(steps.job("licence-deactivate:" + licence)).isEmpty();
    }
}
