package dev.lapse.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import java.time.Instant;

/**
 * The due-jobs queue: a job due within the horizon is sent here with a delay, so it runs within
 * seconds of its due time instead of waiting for DynamoDB's TTL sweeper (see {@link SqsDueJobsQueue}).
 */
public interface DueJobsQueue {
    /** Sends the job if it is due within the horizon ({@code PreciseHorizonSeconds}); returns whether it did. */
    boolean offer(Job job);

    /** Sends a message that arrived early again, for the rest of its delay. */
    boolean resend(Message message);

    /** A due-jobs queue message. */
    public record Message(String jobId, String occurrenceId, Instant dueAt) {
        public static Message of(Job job) {
            return new Message(job.jobId(), job.occurrenceId(), job.dueAt());
        }

        public String body() {
            ObjectNode body = Json.object();
            body.put("jobId", jobId);
            body.put("occurrenceId", occurrenceId);
            body.put("dueAt", dueAt.toString());
            return Json.write(body);
        }

        public static Message parse(String body) {
            JsonNode node = Json.read(body);
            if (!node.path("jobId").isTextual() || !node.path("occurrenceId").isTextual() || !node.path("dueAt").isTextual()) {
                throw new IllegalArgumentException("due-jobs message needs string fields jobId, occurrenceId and dueAt");
            }
            return new Message(node.get("jobId").asText(), node.get("occurrenceId").asText(), Instant.parse(node.get("dueAt").asText()));
        }
    }
}
