package dev.lapse.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobJsonTest {
    private static final String PAYLOAD = "{\"amount\":10.50,\"big\":123456789012345678901234567890,\"e\":1E+400,\"nested\":{\"list\":[1,2.0]}}";
    private static final Job JOB = new Job("invoice-42", "invoice.remind", PAYLOAD, Instant.parse("2026-12-01T09:00:00.250Z"),
            "2026-12-01T09:00:00.250Z", "occ-1", 3, Optional.of(new RetryPolicy(4, Duration.ofSeconds(10), Duration.ofMinutes(5))),
            List.of(), Instant.parse("2026-11-30T08:00:00Z"), "shop");

    @Test
    void aJobInAnAnswerShowsItsTtlRoundedUpAndItsPayloadDigitForDigit() {
        String json = Json.write(JobJson.shown(JOB, Duration.ZERO));

        assertThat(json).isEqualTo("{\"jobId\":\"invoice-42\",\"jobType\":\"invoice.remind\",\"payload\":" + PAYLOAD
                + ",\"dueAt\":\"2026-12-01T09:00:00.250Z\",\"ttl\":" + (Instant.parse("2026-12-01T09:00:00Z").getEpochSecond() + 1)
                + ",\"occurrenceId\":\"occ-1\",\"attempt\":3,\"scheduledAt\":\"2026-11-30T08:00:00Z\",\"requestedBy\":\"shop\"}");
    }

    @Test
    void aJobInAnAnswerShowsItsTtlWithTheGraceTheStoreWritesItWith() {
        assertThat(JobJson.shown(JOB, Duration.ofSeconds(2)).ttl()).isEqualTo(Instant.parse("2026-12-01T09:00:03Z").getEpochSecond());
    }

    @Test
    void aDeadLetteredJobCarriesItsAttemptsAndRetryPolicy() {
        String json = Json.write(JobJson.deadLettered(JOB));

        assertThat(json).isEqualTo("{\"jobId\":\"invoice-42\",\"jobType\":\"invoice.remind\",\"payload\":" + PAYLOAD
                + ",\"dueAt\":\"2026-12-01T09:00:00.250Z\",\"occurrenceId\":\"occ-1\",\"attempts\":3,"
                + "\"scheduledAt\":\"2026-11-30T08:00:00Z\",\"requestedBy\":\"shop\","
                + "\"retry\":{\"maxAttempts\":4,\"baseDelaySeconds\":10,\"maxDelaySeconds\":300}}");
    }

    @Test
    void aDeadLetteredJobWithoutItsOwnPolicyHasNoRetryField() {
        Job plain = new Job("j", "a.b", "{}", JOB.dueAt(), JOB.dueSpec(), "o", 1, Optional.empty(), List.of(), JOB.scheduledAt(), "x");

        assertThat(Json.read(Json.write(JobJson.deadLettered(plain))).has("retry")).isFalse();
    }

    @Test
    void aDeadLetterReadsBackAsTheSameJobWithoutItsErrors() {
        Job withErrors = JOB.withAttempt(3, JOB.dueAt(), List.of(new Job.AttemptError(2, JOB.dueAt(), "boom")));

        Job read = JobJson.fromDeadLetter(Json.read(Json.write(JobJson.deadLettered(withErrors))));

        assertThat(read).isEqualTo(JOB);
        assertThat(read.payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void anOldDeadLetterWithoutAttemptsOrRequesterCountsOneAttemptByUnknown() {
        Job read = JobJson.fromDeadLetter(Json.read("{\"jobId\":\"j\",\"jobType\":\"a.b\",\"payload\":{},"
                + "\"dueAt\":\"2026-12-01T09:00:00Z\",\"occurrenceId\":\"o\",\"scheduledAt\":\"2026-11-30T08:00:00Z\"}"));

        assertThat(read.attempt()).isEqualTo(1);
        assertThat(read.requestedBy()).isEqualTo("unknown");
        assertThat(read.retryPolicy()).isEmpty();
        assertThat(read.dueSpec()).isEqualTo("2026-12-01T09:00:00Z");
    }

    @Test
    void anInvalidRequestNamesFieldProblemAndWhatIsAccepted() {
        var answer = RequestError.invalid(new InvalidRequestException("detail.delay", "is -PT1S", "PT0S or more")).answer();

        assertThat(Json.write(answer)).isEqualTo("{\"ok\":false,\"error\":{\"code\":\"INVALID_REQUEST\",\"field\":\"detail.delay\","
                + "\"problem\":\"is -PT1S\",\"accepted\":\"PT0S or more\",\"message\":\"detail.delay: is -PT1S (accepted: PT0S or more)\"}}");
    }

    @Test
    void unreadableJsonIsAnInvalidRequestOfTheWholeRequest() {
        assertThat(Json.write(RequestError.unreadable("not valid JSON: x").answer())).isEqualTo(
                "{\"ok\":false,\"error\":{\"code\":\"INVALID_REQUEST\",\"field\":\"(request)\",\"message\":\"not valid JSON: x\"}}");
    }

    @Test
    void aConflictNamesItsFirstFieldAndAllOfThem() {
        var error = RequestError.conflict(new JobConflictException("JOB_CONFLICT", "j", List.of("detail.payload", "detail.dueAt"), "differs"));

        assertThat(Json.write(error)).isEqualTo("{\"code\":\"JOB_CONFLICT\",\"field\":\"detail.payload\",\"jobId\":\"j\","
                + "\"fields\":[\"detail.payload\",\"detail.dueAt\"],\"message\":\"differs\"}");
    }

    @Test
    void aConflictWithoutFieldsNamesTheLicenceOrTheJobId() {
        var licence = RequestError.conflict(new JobConflictException("LICENCE_DEACTIVATED", "l", "gone"));
        var job = RequestError.conflict(new JobConflictException("JOB_NOT_PENDING", "j", "ran"));

        assertThat(licence.field()).isEqualTo("detail.licenceId");
        assertThat(licence.fields()).containsExactly("detail.licenceId");
        assertThat(job.field()).isEqualTo("detail.jobId");
        assertThat(job.fields()).containsExactly("detail.jobId");
    }

    @Test
    void aDeadLetteredOccurrenceOfARecurringJobKeepsItsSeries() {
        Recurrence every = new Recurrence(Optional.of(java.time.Duration.ofSeconds(30)), Optional.empty(), java.time.ZoneId.of("Europe/Warsaw"),
                Optional.empty(), Optional.empty(), Recurrence.CatchUp.LATEST, Instant.parse("2027-01-04T08:00:00Z"));
        Series series = new Series("r1", every, 7, Instant.parse("2027-01-04T08:03:00Z"), Series.State.ACTIVE);
        Job occurrence = new Job("r1", "provider.poll", "{\"n\":1}", Instant.parse("2027-01-04T08:03:00Z"), "recurrence:{}", "occ-7", 3,
                Optional.empty(), List.of(), Instant.parse("2027-01-04T07:59:00Z"), "crm", Optional.of(series)).waitingCopy();
        Job back = JobJson.fromDeadLetter(dev.lapse.json.Json.MAPPER.valueToTree(JobJson.deadLettered(occurrence)));
        assertThat(back.series()).contains(series);
        assertThat(back.jobId()).isEqualTo(occurrence.jobId()).startsWith("series:r1:");
        assertThat(back.ownerJobId()).isEqualTo("r1");
        assertThat(back.scheduledAt()).isEqualTo(occurrence.scheduledAt());
    }
}
