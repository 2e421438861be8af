package dev.lapse.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A replay request ({@link Replayer#replay}), read and checked before anything is received: a field it does not know is
 * refused, so a misspelt {@code jobId} cannot replay every dead letter.
 *
 * @param source where to replay from: {@link Replayer#DEAD_LETTERS} unless given
 * @param jobId  the one job to replay, or every job
 * @param max    how many jobs at most (1 to 10,000; 100 unless given)
 * @param dueAt  when the replayed jobs are due: now unless given
 */
record ReplayRequest(String source, Optional<String> jobId, int max, Instant dueAt) {
    static final List<String> FIELDS = List.of("dueAt", "jobId", "max", "source");

    static ReplayRequest of(JsonNode request, Instant now) {
        if (request == null || !request.isObject()) {
            throw new InvalidRequestException("(request)", "is not a JSON object",
                    "{\"source\": \"dead-letters\" | \"stream-failures\" | \"due-jobs-redrive\", ...}");
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidRequestException(name, "is not a field of a replay request", "only " + FIELDS);
            }
        }
        JsonNode jobId = request.path("jobId");
        // an explicit null too: a script's unset variable must not replay every dead letter
        if (!jobId.isMissingNode() && (!jobId.isTextual() || jobId.asText().isEmpty())) {
            throw new InvalidRequestException("jobId", "is " + jobId, "the id of the one job to replay, or no jobId to replay every job");
        }
        JsonNode max = request.path("max");
        if (!max.isMissingNode() && !max.isNull() && !(max.isIntegralNumber() && max.canConvertToInt())) {
            throw new InvalidRequestException("max", "is " + max + ", not a whole number", "1 to 10000");
        }
        int most = max.asInt(100);
        if (most < 1 || most > 10_000) {
            throw new InvalidRequestException("max", "is " + most, "1 to 10000");
        }
        Instant due;
        try {
            due = request.hasNonNull("dueAt") ? Instant.parse(request.get("dueAt").asText()) : now;
        } catch (RuntimeException e) {
            throw new InvalidRequestException("dueAt", "is not an ISO-8601 instant", "e.g. 2026-12-01T09:00:00Z, or omit it for now");
        }
        if (due.isBefore(now.minus(Job.MAX_PAST_DUE)) || due.isAfter(now.plus(Job.MAX_DUE_AHEAD))) {
            throw new InvalidRequestException("dueAt", "is " + due + ", out of range", "an instant no earlier than "
                    + Job.MAX_PAST_DUE.toHours() + " hours ago and no later than " + Job.MAX_DUE_AHEAD.toDays() + " days ahead, as a job's dueAt");
        }
        return new ReplayRequest(request.path("source").asText(Replayer.DEAD_LETTERS),
                jobId.isTextual() ? Optional.of(jobId.asText()) : Optional.empty(), most, due);
    }
}
