package dev.lapse.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** The scheduling rules, end to end through the endpoint's answer, on in-memory stores and a settable clock. */
class JobSchedulerTest {
    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final String LICENCE_JOB = PaidLicenses.jobIdFor("lic-1");

    private final SettableClock clock = new SettableClock(NOW);
    private final InMemoryStores stores = new InMemoryStores();
    private final List<Job> offered = new ArrayList<>();
    private final JobScheduler scheduler = new JobScheduler(stores, stores, stores::ranForGood, offered::add, clock);
    /** Direct invocations only: the publisher is for refused EventBridge events, which these tests do not send. */
    private final SchedulingEndpoint endpoint = new SchedulingEndpoint(new RequestParser(clock), scheduler, null);

    private JsonNode send(String detailType, String detail) {
        return endpoint.handle("{\"detail-type\": \"" + detailType + "\", \"detail\": " + detail + "}");
    }

    private JsonNode sendEvent(String detailType, Instant time, String detail) {
        return endpoint.handle("{\"detail-type\": \"" + detailType + "\", \"source\": \"shop\", \"time\": \"" + time + "\", \"detail\": "
                + detail + "}");
    }

    private static String job(String payload, String dueAt) {
        return "{\"jobId\": \"j1\", \"jobType\": \"invoice.remind\", \"payload\": " + payload + ", \"dueAt\": \"" + dueAt + "\"}";
    }

    @Test
    void aNewJobIsScheduledStoredAndOfferedToTheDueJobsQueue() {
        JsonNode answer = send("Schedule Job", job("{\"n\": 1.50}", "2026-12-01T09:00:00Z"));

        assertThat(answer.path("ok").asBoolean()).isTrue();
        assertThat(answer.path("outcome").asText()).isEqualTo("SCHEDULED");
        assertThat(answer.path("job").path("payload").toString()).isEqualTo("{\"n\":1.50}");
        assertThat(answer.path("job").path("scheduledAt").asText()).isEqualTo(NOW.toString());
        assertThat(answer.path("job").path("requestedBy").asText()).isEqualTo("direct");
        assertThat(stores.jobs.get("j1").dueAt()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(offered).extracting(Job::jobId).containsExactly("j1");
    }

    @Test
    void theSameJobAgainIsUnchangedAndNotOfferedTwice() {
        send("Schedule Job", job("{\"a\": 1, \"b\": 2}", "2026-12-01T09:00:00Z"));
        clock.tick(Duration.ofMinutes(1));

        JsonNode answer = send("Schedule Job", job("{\"b\": 2, \"a\": 1}", "2026-12-01T09:00:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("UNCHANGED");
        assertThat(answer.path("job").path("scheduledAt").asText()).isEqualTo(NOW.toString());
        assertThat(offered).hasSize(1);
    }

    @Test
    void theSameIdWithOtherContentIsAConflictNamingTheFieldsAndChangesNothing() {
        send("Schedule Job", job("{\"n\": 1}", "2026-12-01T09:00:00Z"));
        Job before = stores.jobs.get("j1");

        JsonNode answer = send("Schedule Job", job("{\"n\": 1.0}", "2026-12-01T10:00:00Z"));

        assertThat(answer.path("ok").asBoolean()).isFalse();
        assertThat(answer.path("error").path("code").asText()).isEqualTo("JOB_CONFLICT");
        assertThat(answer.path("error").path("field").asText()).isEqualTo("detail.payload");
        assertThat(answer.path("error").path("fields").toString()).isEqualTo("[\"detail.payload\",\"detail.dueAt\"]");
        assertThat(answer.path("error").path("jobId").asText()).isEqualTo("j1");
        assertThat(stores.jobs.get("j1")).isEqualTo(before);
    }

    @Test
    void aJobThatRanForGoodIsReplacedByANewRequestForItsId() {
        send("Schedule Job", job("{}", "2026-12-01T09:00:00Z"));
        stores.ranForGood.add(stores.jobs.get("j1").occurrenceId());

        JsonNode answer = send("Schedule Job", job("{\"again\": true}", "2026-12-02T09:00:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("SCHEDULED");
        assertThat(stores.jobs.get("j1").payload()).isEqualTo("{\"again\":true}");
    }

    @Test
    void aCopyLeftBehindByARunThatEndedIsNeitherCancelledNorMoved() {
        send("Schedule Job", job("{}", "2026-12-01T09:00:00Z"));
        Job ran = stores.jobs.get("j1");
        stores.ranForGood.add(ran.occurrenceId());

        JsonNode moved = send("Reschedule Job", "{\"jobId\": \"j1\", \"dueAt\": \"2026-12-03T09:00:00Z\"}");
        assertThat(moved.path("error").path("code").asText()).isEqualTo("JOB_NOT_PENDING");
        assertThat(stores.jobs.get("j1")).isEqualTo(ran);

        JsonNode cancelled = send("Cancel Job", "{\"jobId\": \"j1\"}");
        assertThat(cancelled.path("outcome").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aRequestDeliveredAgainAfterItsJobRanIsTheSameOccurrenceAndDoesNotRunAgain() {
        Instant eventTime = NOW.minusSeconds(5);
        String delayed = "{\"jobId\": \"j1\", \"jobType\": \"invoice.remind\", \"delay\": \"PT10M\"}";
        sendEvent("Schedule Job", eventTime, delayed);
        Job first = stores.jobs.get("j1");
        stores.ranForGood.add(first.occurrenceId());
        clock.tick(Duration.ofMinutes(20));

        JsonNode redelivered = sendEvent("Schedule Job", eventTime, delayed);
        JsonNode newEvent = sendEvent("Schedule Job", clock.instant(), delayed);

        assertThat(first.dueAt()).isEqualTo(eventTime.plus(Duration.ofMinutes(10)));
        assertThat(redelivered.path("outcome").asText()).isEqualTo("UNCHANGED");
        assertThat(newEvent.path("outcome").asText()).isEqualTo("SCHEDULED");
        assertThat(stores.jobs.get("j1").occurrenceId()).isNotEqualTo(first.occurrenceId());
        assertThat(stores.jobs.get("j1").dueAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(stores.jobs.get("j1").requestedBy()).isEqualTo("shop");
    }

    @Test
    void theSameDelayAskedAgainLaterIsTheSamePendingJob() {
        String delayed = "{\"jobId\": \"j1\", \"jobType\": \"invoice.remind\", \"delay\": \"PT10M\"}";
        send("Schedule Job", delayed);
        clock.tick(Duration.ofMinutes(3));

        JsonNode again = send("Schedule Job", delayed);

        assertThat(again.path("outcome").asText()).isEqualTo("UNCHANGED");
        assertThat(stores.jobs.get("j1").dueAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
    }

    @Test
    void aJobNotQueuedIsStillScheduledForTheTtlPath() {
        JobScheduler failingQueue = new JobScheduler(stores, stores, stores::ranForGood, job -> {
            throw new IllegalStateException("queue down");
        }, clock);

        JobScheduler.Result result = failingQueue.handle(new RequestParser(clock).parse(
                "{\"detail-type\": \"Schedule Job\", \"detail\": " + job("{}", "2026-12-01T09:00:00Z") + "}"));

        assertThat(result.outcome()).isEqualTo(JobScheduler.Outcome.SCHEDULED);
        assertThat(stores.jobs).containsKey("j1");
    }

    @Test
    void cancelDeletesThePendingJobOnce() {
        send("Schedule Job", job("{}", "2026-12-01T09:00:00Z"));

        JsonNode cancelled = send("Cancel Job", "{\"jobId\": \"j1\"}");
        JsonNode again = send("Cancel Job", "{\"jobId\": \"j1\"}");

        assertThat(cancelled.path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.path("job").path("jobId").asText()).isEqualTo("j1");
        assertThat(again.path("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(again.has("job")).isFalse();
        assertThat(stores.jobs).isEmpty();
    }

    @Test
    void rescheduleMovesThePendingJobAsANewOccurrence() {
        send("Schedule Job", job("{}", "2026-12-01T09:00:00Z"));
        Job before = stores.jobs.get("j1");

        JsonNode answer = send("Reschedule Job", "{\"jobId\": \"j1\", \"dueAt\": \"2026-12-01T11:00:00Z\"}");

        assertThat(answer.path("outcome").asText()).isEqualTo("RESCHEDULED");
        assertThat(stores.jobs.get("j1").dueAt()).isEqualTo(Instant.parse("2026-12-01T11:00:00Z"));
        assertThat(stores.jobs.get("j1").occurrenceId()).isNotEqualTo(before.occurrenceId());
        assertThat(offered).extracting(Job::dueAt).containsExactly(before.dueAt(), Instant.parse("2026-12-01T11:00:00Z"));
        String at11 = stores.jobs.get("j1").occurrenceId();
        send("Reschedule Job", "{\"jobId\": \"j1\", \"dueAt\": \"2026-12-01T12:00:00Z\"}");
        assertThat(stores.jobs.get("j1").occurrenceId()).as("each move is an occurrence of its own").isNotEqualTo(at11)
                .isNotEqualTo(before.occurrenceId()).isNotBlank();
    }

    @Test
    void reschedulingNoPendingJobIsJobNotPending() {
        JsonNode answer = send("Reschedule Job", "{\"jobId\": \"nope\", \"delay\": \"PT1M\"}");

        assertThat(answer.path("error").path("code").asText()).isEqualTo("JOB_NOT_PENDING");
        assertThat(answer.path("error").path("field").asText()).isEqualTo("detail.jobId");
    }

    private static String cancelled(String paidUntil, String occurredAt) {
        return "{\"licenceId\": \"lic-1\", \"paidUntil\": \"" + paidUntil + "\", \"occurredAt\": \"" + occurredAt + "\"}";
    }

    private static String reactivated(String occurredAt) {
        return "{\"licenceId\": \"lic-1\", \"occurredAt\": \"" + occurredAt + "\"}";
    }

    @Test
    void aCancelledSubscriptionSchedulesTheDeactivationAtTheEndOfThePaidPeriod() {
        JsonNode answer = send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("SCHEDULED");
        Job deactivation = stores.jobs.get(LICENCE_JOB);
        assertThat(deactivation.type()).isEqualTo(PaidLicenses.JOB_TYPE);
        assertThat(deactivation.payload()).isEqualTo("{\"licenceId\":\"lic-1\"}");
        assertThat(deactivation.dueAt()).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
        assertThat(stores.last("lic-1").status()).contains(PaidLicenses.Status.CANCELLED);
        assertThat(stores.paidUntil.get("lic-1")).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
        assertThat(offered).containsExactly(deactivation);
    }

    @Test
    void theSameCancellationAgainIsUnchangedAndALaterOneMovesTheJob() {
        send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));

        JsonNode again = send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));
        JsonNode moved = send("Subscription Cancelled", cancelled("2027-01-31T00:00:00Z", "2026-12-01T07:30:00Z"));

        assertThat(again.path("outcome").asText()).isEqualTo("UNCHANGED");
        assertThat(moved.path("outcome").asText()).isEqualTo("RESCHEDULED");
        assertThat(stores.jobs.get(LICENCE_JOB).dueAt()).isEqualTo(Instant.parse("2027-01-31T00:00:00Z"));
        assertThat(offered).hasSize(2);
    }

    @Test
    void aReactivationCancelsTheDeactivationAndLeavesTheLicenceActive() {
        send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));

        JsonNode answer = send("Subscription Reactivated", reactivated("2026-12-01T07:10:00Z"));
        JsonNode again = send("Subscription Reactivated", reactivated("2026-12-01T07:20:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(answer.path("job").path("jobId").asText()).isEqualTo(LICENCE_JOB);
        assertThat(again.path("outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(stores.jobs).doesNotContainKey(LICENCE_JOB);
        assertThat(stores.last("lic-1").status()).contains(PaidLicenses.Status.ACTIVE);
        assertThat(stores.paidUntil).doesNotContainKey("lic-1");
    }

    @Test
    void anOlderEventIsStaleAndChangesNothing() {
        send("Subscription Reactivated", reactivated("2026-12-01T07:10:00Z"));

        JsonNode answer = send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("STALE");
        assertThat(answer.has("job")).isFalse();
        assertThat(stores.jobs).isEmpty();
        assertThat(stores.last("lic-1").status()).contains(PaidLicenses.Status.ACTIVE);
    }

    @Test
    void atTheSameInstantTheCustomerWinsWhicheverArrivesFirst() {
        send("Subscription Reactivated", reactivated("2026-12-01T07:00:00.500Z"));
        JsonNode cancelAfterReactivation = send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00.500Z"));

        InMemoryStores other = new InMemoryStores();
        SchedulingEndpoint second = new SchedulingEndpoint(new RequestParser(clock),
                new JobScheduler(other, other, other::ranForGood, job -> { }, clock), null);
        second.handle("{\"detail-type\": \"Subscription Cancelled\", \"detail\": " + cancelled("2026-12-31T00:00:00Z",
                "2026-12-01T07:00:00.500Z") + "}");
        JsonNode reactivationAfterCancel = second.handle("{\"detail-type\": \"Subscription Reactivated\", \"detail\": "
                + reactivated("2026-12-01T07:00:00.500Z") + "}");

        assertThat(cancelAfterReactivation.path("outcome").asText()).isEqualTo("STALE");
        assertThat(reactivationAfterCancel.path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(other.last("lic-1").status()).contains(PaidLicenses.Status.ACTIVE);
    }

    @Test
    void withinOneWholeSecondAReactivationIsTheLaterEvent() {
        Instant second = NOW.minusSeconds(60);
        sendEvent("Subscription Reactivated", second, "{\"licenceId\": \"lic-1\"}");

        JsonNode answer = sendEvent("Subscription Cancelled", second, "{\"licenceId\": \"lic-1\", \"paidUntil\": \"2026-12-31T00:00:00Z\"}");

        assertThat(answer.path("outcome").asText()).isEqualTo("STALE");
    }

    @Test
    void aVersionOrdersEventsWhateverTheirTimes() {
        send("Subscription Cancelled", "{\"licenceId\": \"lic-1\", \"paidUntil\": \"2026-12-31T00:00:00Z\","
                + " \"occurredAt\": \"2026-12-01T07:00:00Z\", \"version\": 7}");

        JsonNode olderVersion = send("Subscription Reactivated", "{\"licenceId\": \"lic-1\", \"occurredAt\": \"2026-12-01T07:59:00Z\","
                + " \"version\": 6}");

        assertThat(olderVersion.path("outcome").asText()).isEqualTo("STALE");
        assertThat(stores.jobs).containsKey(LICENCE_JOB);
    }

    @Test
    void aDeactivatedLicenceCannotBeCancelledAgain() {
        send("Subscription Cancelled", cancelled("2026-12-01T07:30:00Z", "2026-12-01T07:00:00Z"));
        stores.deactivate("lic-1");

        JsonNode answer = send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:40:00Z"));

        assertThat(answer.path("error").path("code").asText()).isEqualTo("LICENCE_DEACTIVATED");
        assertThat(answer.path("error").path("field").asText()).isEqualTo("detail.licenceId");
        assertThat(stores.last("lic-1").status()).contains(PaidLicenses.Status.DEACTIVATED);
    }

    @Test
    void aReactivationOfADeactivatedLicenceMakesItActive() {
        send("Subscription Cancelled", cancelled("2026-12-01T07:30:00Z", "2026-12-01T07:00:00Z"));
        stores.deactivate("lic-1");

        JsonNode answer = send("Subscription Reactivated", reactivated("2026-12-01T07:40:00Z"));

        assertThat(answer.path("ok").asBoolean()).isTrue();
        assertThat(stores.last("lic-1").status()).contains(PaidLicenses.Status.ACTIVE);
    }

    @Test
    void aForeignJobUnderTheLicencesJobIdIsAConflictOnTheLicence() {
        Job foreign = new Job(LICENCE_JOB, "old.kind", "{}", NOW.plusSeconds(60), NOW.plusSeconds(60).toString(), "o", 1,
                Optional.empty(), List.of(), NOW, "old");
        stores.jobs.put(LICENCE_JOB, foreign);

        JsonNode answer = send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));

        assertThat(answer.path("error").path("code").asText()).isEqualTo("JOB_CONFLICT");
        assertThat(answer.path("error").path("fields").toString()).isEqualTo("[\"detail.licenceId\"]");
        assertThat(stores.jobs.get(LICENCE_JOB)).isEqualTo(foreign);
        assertThat(stores.licences).isEmpty();
    }

    @Test
    void aDeactivationThatRanForGoodIsPutBackByTheSameCancellation() {
        send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));
        Job ran = stores.jobs.get(LICENCE_JOB);
        stores.ranForGood.add(ran.occurrenceId());
        stores.jobs.put(LICENCE_JOB, ran.withAttempt(2, ran.dueAt(), List.of()));
        int writes = stores.writes;

        send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));

        assertThat(stores.writes).isEqualTo(writes + 1);
        assertThat(stores.jobs.get(LICENCE_JOB).attempt()).isEqualTo(1);
    }

    @Test
    void aLicenceWriteThatFindsItChangedReadsAgainAndApplies() {
        stores.contendedWrites = 3;

        JsonNode answer = send("Subscription Cancelled", cancelled("2026-12-31T00:00:00Z", "2026-12-01T07:00:00Z"));

        assertThat(answer.path("outcome").asText()).isEqualTo("SCHEDULED");
        assertThat(stores.writes).isEqualTo(4);
    }

    @Test
    void aLicenceThatKeepsChangingIsATransientFailureAfter25Attempts() {
        stores.contendedWrites = 25;

        assertThatThrownBy(() -> send("Subscription Reactivated", reactivated("2026-12-01T07:10:00Z")))
                .isInstanceOf(TransientFailureException.class).hasMessageContaining("25 attempts");
        assertThat(stores.writes).isEqualTo(25);
        assertThat(stores.licences).isEmpty();
    }

    @Test
    void aStoredJobRanForGoodWhenItsOccurrenceIsDoneOrDeadLetteredAndALedgerItMayNotReadKeepsIt() {
        Job stored = new Job("j1", "a.b", "{}", Instant.parse("2026-12-01T09:00:00Z"), "now", "occ-1", 1, Optional.empty(), List.of(),
                Instant.parse("2026-12-01T08:00:00Z"), "t");
        for (ExecutionLedger.State state : ExecutionLedger.State.values()) {
            boolean forGood = state == ExecutionLedger.State.DONE || state == ExecutionLedger.State.DEAD_LETTERED;
            assertThat(JobScheduler.ranForGoodIn(occurrence -> occurrence.equals("occ-1") ? state : null).test(stored)).as(state.name())
                    .isEqualTo(forGood);
        }
        assertThat(JobScheduler.ranForGoodIn(occurrence -> null).test(stored)).as("never claimed").isFalse();

        DynamoDbException denied = (DynamoDbException) DynamoDbException.builder().message("no")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();
        assertThat(JobScheduler.ranForGoodIn(occurrence -> {
            throw denied;
        }).test(stored)).as("may not read the ledger: still pending").isFalse();
        DynamoDbException throttled = (DynamoDbException) DynamoDbException.builder().message("slow down")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
        assertThatThrownBy(() -> JobScheduler.ranForGoodIn(occurrence -> {
            throw throttled;
        }).test(stored)).isSameAs(throttled);
        DynamoDbException bare = (DynamoDbException) DynamoDbException.builder().message("no details").build();
        assertThatThrownBy(() -> JobScheduler.ranForGoodIn(occurrence -> {
            throw bare;
        }).test(stored)).isSameAs(bare);
    }
}
