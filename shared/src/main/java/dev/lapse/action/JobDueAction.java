package dev.lapse.action;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import java.time.Duration;

/** The action of every job type without a built-in one: a "Job Due" event that consumers match by rule. */
public final class JobDueAction implements JobAction {
    private final EventPublisher publisher;

    public JobDueAction(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** The detail of a "Job Due" event, as consumers read it (README "Event formats"); Jackson writes it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"jobId", "jobType", "payload", "dueAt", "firedAt", "latenessMs", "attempt", "occurrenceId", "trigger",
            "scheduledFor", "sequence"})
    public record Detail(String jobId, String jobType, JsonNode payload, String dueAt, String firedAt, long latenessMs, int attempt,
                         String occurrenceId, String trigger, String scheduledFor, Long sequence) {

        /**
         * The detail of {@code job}'s run: its payload as JSON, and how late it fired (never negative). An occurrence of a
         * recurring job carries the recurring job's id, the instant it is scheduled for and its sequence number.
         */
        public static Detail of(Job job, Run run) {
            return new Detail(job.ownerJobId(), job.type(), Json.read(job.payload()), job.dueAt().toString(), run.firedAt().toString(),
                    Math.max(0, Duration.between(job.dueAt(), run.firedAt()).toMillis()), job.attempt(), job.occurrenceId(), run.trigger(),
                    job.series().map(s -> s.scheduledFor().toString()).orElse(null), job.series().map(s -> s.sequence()).orElse(null));
        }
    }

    @Override
    public Result run(Job job, Run run) {
        publisher.publish(EventPublisher.JOB_DUE, detail(job, run));
        return new Result("published " + EventPublisher.JOB_DUE, false);
    }

    public static ObjectNode detail(Job job, Run run) {
        return Json.MAPPER.valueToTree(Detail.of(job, run));
    }
}
