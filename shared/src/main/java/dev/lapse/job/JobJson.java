package dev.lapse.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A job's JSON, written by binding and read back in one place. Its payload is the stored JSON read with
 * {@link Json#MAPPER}, so every number keeps the digits it was sent with. Two views of one shape:
 * {@link Shown} in the scheduling function's answer, {@link DeadLettered} in a dead letter, which replay reads
 * back with {@link #fromDeadLetter}.
 */
public final class JobJson {

    private JobJson() {
    }

    /** The job in a scheduling answer. */
    @JsonPropertyOrder({"jobId", "jobType", "payload", "dueAt", "ttl", "occurrenceId", "attempt", "scheduledAt", "requestedBy"})
    public record Shown(String jobId, String jobType, JsonNode payload, String dueAt, long ttl, String occurrenceId, int attempt,
                        String scheduledAt, String requestedBy) {
    }

    /** The job in a dead letter: the attempts made and its own retry policy, if it had one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"jobId", "jobType", "payload", "dueAt", "occurrenceId", "attempts", "scheduledAt", "requestedBy", "retry"})
    public record DeadLettered(String jobId, String jobType, JsonNode payload, String dueAt, String occurrenceId, int attempts,
                               String scheduledAt, String requestedBy, Retry retry) {
    }

    /** A job's own retry policy, in whole seconds. */
    @JsonPropertyOrder({"maxAttempts", "baseDelaySeconds", "maxDelaySeconds"})
    public record Retry(int maxAttempts, long baseDelaySeconds, long maxDelaySeconds) {
        public static Retry of(RetryPolicy p) {
            return new Retry(p.maxAttempts(), p.baseDelay().toSeconds(), p.maxDelay().toSeconds());
        }
    }

    public static Shown shown(Job job) {
        return new Shown(job.jobId(), job.type(), Json.read(job.payload()), job.dueAt().toString(), job.ttlEpochSeconds(),
                job.occurrenceId(), job.attempt(), job.scheduledAt().toString(), job.requestedBy());
    }

    public static DeadLettered deadLettered(Job job) {
        return new DeadLettered(job.jobId(), job.type(), Json.read(job.payload()), job.dueAt().toString(), job.occurrenceId(),
                job.attempt(), job.scheduledAt().toString(), job.requestedBy(), job.retryPolicy().map(Retry::of).orElse(null));
    }

    /**
     * The job a dead letter's {@code job} holds, due again at its old due time with the attempts it had made;
     * its errors stay in the dead letter. A missing {@code attempts} counts as 1, a missing requester as "unknown".
     */
    public static Job fromDeadLetter(JsonNode j) {
        return new Job(j.path("jobId").asText(), j.path("jobType").asText(), Json.write(j.path("payload")),
                Instant.parse(j.path("dueAt").asText()), j.path("dueAt").asText(), j.path("occurrenceId").asText(),
                j.path("attempts").asInt(1), j.hasNonNull("retry") ? Optional.of(retry(j.get("retry"))) : Optional.empty(),
                List.of(), Instant.parse(j.path("scheduledAt").asText()), j.path("requestedBy").asText("unknown"));
    }

    /** A retry policy written as {@link Retry}; out of range is an {@link InvalidRequestException}. */
    public static RetryPolicy retry(JsonNode o) {
        return RetryPolicy.of(o.get("maxAttempts").asInt(), o.get("baseDelaySeconds").asLong(), o.get("maxDelaySeconds").asLong());
    }
}
