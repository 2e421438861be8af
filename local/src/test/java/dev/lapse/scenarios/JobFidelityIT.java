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
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Issue 8, items 2 to 5, end to end on the local runtime through the AWS SDK: ids reserved for
 * Lapse's own jobs, payloads that arrive exactly as sent, idempotent delay requests, and a
 * JOB_CONFLICT that names what differs.
 */
class JobFidelityIT extends ScenarioSuite {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(true, Map.of());
    }

    private static String request(String detailType, String detailJson) {
        return "{\"detail-type\": \"" + detailType + "\", \"detail\": " + detailJson + "}";
    }

    private JsonNode invoke(String detailType, ObjectNode detail) {
        return steps.invoke("ScheduleJobFunction", Json.write(Json.object().put("detail-type", detailType).set("detail", detail)));
    }

    private String ledgerState(String occurrenceId) {
        var item = env.dynamo().getItem(r -> r.tableName(env.executionsTable()).consistentRead(true)
                .key(Map.of("occurrenceId", AttributeValue.fromS(occurrenceId)))).item();
        return item == null || !item.containsKey("state") ? "NONE" : item.get("state").s();
    }

    // Item 3

    @Test
    void aPayloadArrivesInJobDueWithEveryDigitAsSent() {
        String jobId = unique("money");
        String payload = "{\"money\":12345678901234567.89,\"big\":1e400,\"cents\":0.10,\"one\":1.0,"
                + "\"huge\":123456789012345678901234567890,\"text\":\"caf\\u00e9 \\ud83d\\ude00\"}";
        String detail = "{\"jobId\": \"" + jobId + "\", \"jobType\": \"invoice.pay\", \"delay\": \"PT1S\", \"payload\": " + payload + "}";
        var response = env.events().putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("com.example.billing")
                .detailType("Schedule Job").detail(detail).eventBusName("default").build()));
        assertThat(response.failedEntryCount()).isZero();

        await("Job Due of " + jobId, env.expiryBound(), () -> !steps.jobDue(jobId).isEmpty());
        JsonNode due = steps.jobDue(jobId).get(0).path("detail");
        await("its run recorded as done", env.requestBound(), () -> "DONE".equals(ledgerState(due.path("occurrenceId").asText())));
        String emitted = Json.write(due.path("payload"));
        assertThat(emitted).isEqualTo("{\"money\":12345678901234567.89,\"big\":1E+400,\"cents\":0.10,\"one\":1.0,"
                + "\"huge\":123456789012345678901234567890,\"text\":\"café \uD83D\uDE00\"}");
    }

    @Test
    void aPayloadThatCannotArriveAsSentIsRefusedNamingTheFieldAndNothingIsWritten() {
        String lone = unique("lone");
        JsonNode surrogate = steps.invoke("ScheduleJobFunction", request("Schedule Job", "{\"jobId\": \"" + lone + "\","
                + " \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": {\"money\": 1.5, \"s\": \"\\ud800\"}}"));
        assertThat(surrogate.path("ok").asBoolean()).isFalse();
        assertThat(surrogate.path("error").path("field").asText()).isEqualTo("detail.payload.s");
        assertThat(surrogate.path("error").path("problem").asText()).contains("surrogate");
        assertThat(steps.job(lone)).isEmpty();

        String twice = unique("twice");
        JsonNode duplicate = steps.invoke("ScheduleJobFunction", request("Schedule Job", "{\"jobId\": \"" + twice + "\","
                + " \"jobType\": \"a.b\", \"delay\": \"PT1M\", \"payload\": {\"to\": \"a@example.com\", \"to\": \"b@example.com\"}}"));
        assertThat(duplicate.path("error").path("field").asText()).isEqualTo("detail.payload.to");
        assertThat(duplicate.path("error").path("problem").asText()).contains("twice");
        assertThat(steps.job(twice)).isEmpty();
    }

    // Item 2

    @Test
    void aLicenceJobCanBeNeitherTakenNorCancelledNorMovedByAUserRequest() {
        String licence = unique("LIC");
        JsonNode cancelled = invoke("Subscription Cancelled", Json.object().put("licenceId", licence)
                .put("paidUntil", seconds(3600).toString()));
        assertThat(cancelled.path("outcome").asText()).isEqualTo("SCHEDULED");
        String jobId = "licence-deactivate:" + licence;

        JsonNode cancel = invoke("Cancel Job", Json.object().put("jobId", jobId));
        JsonNode move = invoke("Reschedule Job", Json.object().put("jobId", jobId).put("delay", "PT1S"));
        JsonNode take = invoke("Schedule Job", Json.object().put("jobId", "licence-deactivate:" + unique("LIC"))
                .put("jobType", "invoice.remind").put("delay", "PT1M"));
        JsonNode recurring = invoke("Schedule Job", Json.object().put("jobId", "recurring:DailyReport:2026-12-01T09:00:00Z")
                .put("jobType", "invoice.remind").put("delay", "PT1M"));
        JsonNode type = invoke("Schedule Job", Json.object().put("jobId", unique("j")).put("jobType", "licence.deactivate")
                .put("delay", "PT1S").set("payload", Json.object().put("licenceId", licence)));

        for (JsonNode refused : new JsonNode[] {cancel, move, take, recurring}) {
            assertThat(refused.path("ok").asBoolean()).as(refused.toString()).isFalse();
            assertThat(refused.path("error").path("field").asText()).isEqualTo("detail.jobId");
            assertThat(refused.path("error").path("problem").asText()).contains("reserved");
        }
        assertThat(type.path("error").path("field").asText()).isEqualTo("detail.jobType");
        assertThat(steps.job(jobId)).as("the licence's deactivation job is untouched").hasValueSatisfying(item ->
                assertThat(item.get("dueSpec").s()).isEqualTo(cancelled.path("job").path("dueAt").asText()));
        assertThat(steps.licenceStatus(licence)).isEqualTo("CANCELLED");
    }

    // Item 4

    @Test
    void theSameDelayRequestSentAgainLaterIsTheSameJobWithItsFirstDueTime() {
        String jobId = unique("delay");
        ObjectNode detail = Json.object().put("jobId", jobId).put("jobType", "order.timeout").put("delay", "PT10M");
        detail.set("payload", Json.object().put("orderId", "7"));

        JsonNode first = invoke("Schedule Job", detail);
        Scenarios.sleep(1100);
        JsonNode again = invoke("Schedule Job", detail);

        assertThat(first.path("outcome").asText()).isEqualTo("SCHEDULED");
        assertThat(again.path("ok").asBoolean()).as(again.toString()).isTrue();
        assertThat(again.path("outcome").asText()).isEqualTo("UNCHANGED");
        assertThat(again.path("job").path("dueAt").asText()).as("the first request's due time").isEqualTo(first.path("job").path("dueAt").asText());

        String onTheBus = unique("delay-bus");
        ObjectNode busDetail = Json.object().put("jobId", onTheBus).put("jobType", "order.timeout").put("delay", "PT10M");
        steps.put("Schedule Job", busDetail);
        await("job stored", env.requestBound(), () -> steps.job(onTheBus).isPresent());
        String dueAt = steps.job(onTheBus).get().get("dueAt").s();
        Scenarios.sleep(1100);
        steps.put("Schedule Job", busDetail);
        Scenarios.sleep(env.requestBound().toMillis() / 2);
        assertThat(steps.job(onTheBus).get().get("dueAt").s()).isEqualTo(dueAt);
        assertThat(steps.events("Job Rejected", "").stream()
                .filter(e -> e.path("detail").path("request").path("detail").path("jobId").asText().equals(onTheBus)))
                .as("the second request is not refused").isEmpty();
    }

    @Test
    void theSameDelayRequestSentAfterItsJobRanRunsAgainEvenOverACopyLeftBehindWhileItRan() {
        String jobId = unique("again");
        ObjectNode detail = Json.object().put("jobId", jobId).put("jobType", "ping.send").put("delay", "PT1S");
        invoke("Schedule Job", detail);
        Map<String, AttributeValue> pending = steps.job(jobId).orElseThrow();
        await("first run", env.expiryBound(), () -> steps.jobDue(jobId).size() == 1);
        String firstOccurrence = steps.jobDue(jobId).get(0).path("detail").path("occurrenceId").asText();
        await("first run recorded as done", env.requestBound(), () -> "DONE".equals(ledgerState(firstOccurrence)));
        // What a path that found the occurrence in flight leaves behind: a copy, due when the claim's lease ends.
        Map<String, AttributeValue> copy = new java.util.HashMap<>(pending);
        Instant leaseEnd = Instant.now().plus(Duration.ofHours(1));
        copy.put("dueAt", AttributeValue.fromS(leaseEnd.toString()));
        copy.put("ttl", AttributeValue.fromN(Long.toString(leaseEnd.getEpochSecond())));
        env.dynamo().putItem(r -> r.tableName(env.jobsTable()).item(copy));

        JsonNode second = invoke("Schedule Job", detail);

        assertThat(second.path("outcome").asText()).as(second.toString()).isEqualTo("SCHEDULED");
        await("second run", env.expiryBound(), () -> steps.jobDue(jobId).size() == 2);
        assertThat(steps.jobDue(jobId).get(1).path("detail").path("occurrenceId").asText()).isNotEqualTo(firstOccurrence);
    }

    // Item 5

    @Test
    void aConflictNamesTheFieldsThatDiffer() {
        String jobId = unique("conflict");
        Instant due = seconds(3600);
        ObjectNode detail = Json.object().put("jobId", jobId).put("jobType", "trial.end").put("dueAt", due.toString());
        detail.set("payload", Json.object().put("accountId", "99"));
        assertThat(invoke("Schedule Job", detail).path("outcome").asText()).isEqualTo("SCHEDULED");

        ObjectNode otherPayload = detail.deepCopy();
        otherPayload.set("payload", Json.object().put("accountId", "100"));
        JsonNode payload = invoke("Schedule Job", otherPayload);
        assertThat(payload.path("error").path("code").asText()).isEqualTo("JOB_CONFLICT");
        assertThat(payload.path("error").path("field").asText()).isEqualTo("detail.payload");
        assertThat(payload.path("error").path("message").asText()).contains("detail.payload");

        ObjectNode typeAndDue = detail.deepCopy().put("jobType", "trial.extend").put("dueAt", due.plus(Duration.ofDays(1)).toString());
        JsonNode two = invoke("Schedule Job", typeAndDue);
        assertThat(two.path("error").path("field").asText()).isEqualTo("detail.jobType");
        assertThat(two.path("error").path("fields")).extracting(JsonNode::asText).containsExactly("detail.jobType", "detail.dueAt");
    }
}
