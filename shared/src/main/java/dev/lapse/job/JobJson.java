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
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"jobId", "jobType", "payload", "dueAt", "ttl", "occurrenceId", "attempt", "scheduledAt", "requestedBy", "series"})
    public record Shown(String jobId, String jobType, JsonNode payload, String dueAt, Long ttl, String occurrenceId, int attempt,
                        String scheduledAt, String requestedBy, SeriesJson series) {
    }

    /** The job in a dead letter: the attempts made and its own retry policy, if it had one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"jobId", "jobType", "payload", "dueAt", "occurrenceId", "attempts", "scheduledAt", "requestedBy", "retry",
            "series"})
    public record DeadLettered(String jobId, String jobType, JsonNode payload, String dueAt, String occurrenceId, int attempts,
                               String scheduledAt, String requestedBy, Retry retry, SeriesJson series) {
    }

    /** A job's own retry policy, in whole seconds. */
    @JsonPropertyOrder({"maxAttempts", "baseDelaySeconds", "maxDelaySeconds"})
    public record Retry(int maxAttempts, long baseDelaySeconds, long maxDelaySeconds) {
        public static Retry of(RetryPolicy p) {
            return new Retry(p.maxAttempts(), p.baseDelay().toSeconds(), p.maxDelay().toSeconds());
        }
    }

    /** A recurrence as it is stored and shown: {@code every} or {@code cron} (+ {@code timezone}), its bounds and catch-up rule. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"every", "cron", "timezone", "startAt", "endAt", "catchUp", "anchor"})
    public record RecurrenceJson(String every, String cron, String timezone, String startAt, String endAt, String catchUp,
                                 String anchor) {
        public static RecurrenceJson of(Recurrence r) {
            return new RecurrenceJson(r.every().map(Object::toString).orElse(null), r.cron().orElse(null), r.zone().getId(),
                    r.startAt().map(Object::toString).orElse(null), r.endAt().map(Object::toString).orElse(null),
                    r.catchUp().name().toLowerCase(java.util.Locale.ROOT), r.every().isPresent() ? r.anchor().toString() : null);
        }

        /** What the owner asked for, without the anchor Lapse counted from: the same request is the same recurring job. */
        public RecurrenceJson asked() {
            return new RecurrenceJson(every, cron, timezone, startAt, endAt, catchUp, null);
        }

        public Recurrence recurrence() {
            Instant start = startAt == null ? null : Instant.parse(startAt);
            return new Recurrence(Optional.ofNullable(every).map(java.time.Duration::parse), Optional.ofNullable(cron),
                    java.time.ZoneId.of(timezone == null ? "UTC" : timezone), Optional.ofNullable(start),
                    Optional.ofNullable(endAt).map(Instant::parse),
                    catchUp == null ? Recurrence.CatchUp.NONE : Recurrence.CatchUp.valueOf(catchUp.toUpperCase(java.util.Locale.ROOT)),
                    anchor != null ? Instant.parse(anchor) : start != null ? start : Instant.EPOCH);
        }
    }

    /** An occurrence of a recurring job: which job, which occurrence, and the series' state. */
    @JsonPropertyOrder({"jobId", "sequence", "scheduledFor", "state", "recurrence"})
    public record SeriesJson(String jobId, long sequence, String scheduledFor, String state, RecurrenceJson recurrence) {
        public static SeriesJson of(Series s) {
            return new SeriesJson(s.jobId(), s.sequence(), s.scheduledFor().toString(), s.state().name().toLowerCase(java.util.Locale.ROOT),
                    RecurrenceJson.of(s.recurrence()));
        }

        public Series series() {
            return new Series(jobId, recurrence.recurrence(), sequence, Instant.parse(scheduledFor),
                    Series.State.valueOf(state.toUpperCase(java.util.Locale.ROOT)));
        }
    }

    /** The job as the scheduling function answers it, with the {@code ttl} its item was written with ({@code ttlGrace}), if any. */
    public static Shown shown(Job job, java.time.Duration ttlGrace) {
        return new Shown(job.jobId(), job.type(), Json.read(job.payload()), job.dueAt().toString(),
                job.isPaused() ? null : job.ttlEpochSeconds(ttlGrace),
                job.occurrenceId(), job.attempt(), job.scheduledAt().toString(), job.requestedBy(),
                job.series().map(SeriesJson::of).orElse(null));
    }

    public static DeadLettered deadLettered(Job job) {
        return new DeadLettered(job.jobId(), job.type(), Json.read(job.payload()), job.dueAt().toString(), job.occurrenceId(),
                job.attempt(), job.scheduledAt().toString(), job.requestedBy(), job.retryPolicy().map(Retry::of).orElse(null),
                job.series().map(SeriesJson::of).orElse(null));
    }

    /**
     * The job a dead letter's {@code job} holds, due again at its old due time with the attempts it had made;
     * its errors stay in the dead letter. A missing {@code attempts} counts as 1, a missing requester as "unknown".
     */
    public static Job fromDeadLetter(JsonNode j) {
        return new Job(j.path("jobId").asText(), j.path("jobType").asText(), Json.write(j.path("payload")),
                Instant.parse(j.path("dueAt").asText()), j.path("dueAt").asText(), j.path("occurrenceId").asText(),
                j.path("attempts").asInt(1), j.hasNonNull("retry") ? Optional.of(retry(j.get("retry"))) : Optional.empty(),
                List.of(), Instant.parse(j.path("scheduledAt").asText()), j.path("requestedBy").asText("unknown"),
                j.hasNonNull("series") ? Optional.of(Json.MAPPER.convertValue(j.get("series"), SeriesJson.class).series()) : Optional.empty());
    }

    /** A retry policy written as {@link Retry}; out of range is an {@link InvalidRequestException}. */
    public static RetryPolicy retry(JsonNode o) {
        return RetryPolicy.of(o.get("maxAttempts").asInt(), o.get("baseDelaySeconds").asLong(), o.get("maxDelaySeconds").asLong());
    }
}
