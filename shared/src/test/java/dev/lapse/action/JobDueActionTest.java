package dev.lapse.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import dev.lapse.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The "Job Due" event's detail, byte for byte: the shape consumers match their rules on (README "Event formats"). */
class JobDueActionTest {
    private static final Instant DUE = Instant.parse("2026-12-01T09:00:00Z");

    private static Job job(String payload, int attempt) {
        return new Job("invoice-42", "invoice.send", payload, DUE, "2026-12-01T09:00:00Z", "occ-1", attempt, Optional.empty(), List.of(),
                DUE.minusSeconds(3600), "billing");
    }

    @Test
    void theDetailHasEveryFieldInItsOrderWithThePayloadAsJson() {
        var run = new JobAction.Run(Instant.parse("2026-12-01T09:00:01.250Z"), "ttl");

        assertThat(Json.write(JobDueAction.detail(job("{\"customer\":\"c-7\",\"amount\":12.50,\"lines\":[1,2],\"note\":null}", 2), run)))
                .isEqualTo("{\"jobId\":\"invoice-42\",\"jobType\":\"invoice.send\","
                        + "\"payload\":{\"customer\":\"c-7\",\"amount\":12.50,\"lines\":[1,2],\"note\":null},"
                        + "\"dueAt\":\"2026-12-01T09:00:00Z\",\"firedAt\":\"2026-12-01T09:00:01.250Z\",\"latenessMs\":1250,"
                        + "\"attempt\":2,\"occurrenceId\":\"occ-1\",\"trigger\":\"ttl\"}");
    }

    @Test
    void aRunBeforeItsDueTimeIsNeverLateAndAScalarPayloadStaysAScalar() {
        var early = new JobAction.Run(DUE.minusMillis(5), "due-jobs-queue");

        assertThat(Json.write(JobDueAction.detail(job("\"plain\"", 1), early)))
                .isEqualTo("{\"jobId\":\"invoice-42\",\"jobType\":\"invoice.send\",\"payload\":\"plain\","
                        + "\"dueAt\":\"2026-12-01T09:00:00Z\",\"firedAt\":\"2026-12-01T08:59:59.995Z\",\"latenessMs\":0,"
                        + "\"attempt\":1,\"occurrenceId\":\"occ-1\",\"trigger\":\"due-jobs-queue\"}");
    }
}
