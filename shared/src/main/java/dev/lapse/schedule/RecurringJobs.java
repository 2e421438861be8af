package dev.lapse.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.InvalidRequestException;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.action.TransientFailureException;
import dev.lapse.run.JobRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one firing of a cron/rate schedule declared in template.yaml. The schedule's input names
 * the job type: {@code licence.reconcile} is built in; any other type runs like a one-time job
 * due at the scheduled time (a "Job Due" event, with the ledger deduplicating the scheduler's
 * at-least-once delivery and failures re-armed with backoff).
 *
 * <p>Input (EventBridge Scheduler target input):
 * {@code {"jobType": "report.daily", "payload": {...}, "scheduleName": "<aws.scheduler.schedule-arn>",
 * "scheduledTime": "<aws.scheduler.scheduled-time>"}}. A classic EventBridge "Scheduled Event" is accepted too.
 */
public final class RecurringJobs {
    public static final String RECONCILE = "licence.reconcile";
    /** The id of a firing kept as a one-time job (after a transient failure): {@code recurring:<schedule>:<scheduled time>}. */
    public static final String JOB_ID_PREFIX = "recurring:";
    private static final Logger LOG = LoggerFactory.getLogger(RecurringJobs.class);

    private final PaidLicenses licences;
    private final JobRunner runner;
    private final Duration grace;
    private final Clock clock;

    public RecurringJobs(PaidLicenses licences, JobRunner runner, Duration grace, Clock clock) {
        this.licences = licences;
        this.runner = runner;
        this.grace = grace;
        this.clock = clock;
    }

    public ObjectNode handle(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw new InvalidRequestException("(input)", "is not a JSON object", "the schedule's input object with jobType");
        }
        boolean classic = "Scheduled Event".equals(input.path("detail-type").asText());
        JsonNode spec = classic ? input.path("detail") : input;
        String type = spec.path("jobType").asText("");
        if (!RequestParser.TYPE.matcher(type).matches()) {
            throw new InvalidRequestException("jobType", "is \"" + type + "\"", "a job type name such as licence.reconcile or report.daily");
        }
        Instant scheduled = scheduledTime(classic ? input.path("time") : spec.path("scheduledTime"));
        String schedule = classic ? input.path("resources").path(0).asText("rule") : spec.path("scheduleName").asText("schedule");
        String scheduleName = schedule.substring(schedule.lastIndexOf('/') + 1);
        ObjectNode answer = Json.object().put("jobType", type).put("scheduledTime", scheduled.toString());
        if (RECONCILE.equals(type)) {
            List<String> deactivated = licences.reconcile(grace);
            LOG.info("licence reconciliation ({} grace): deactivated {}", grace, deactivated);
            answer.put("outcome", "RECONCILED");
            answer.set("deactivated", Json.MAPPER.valueToTree(deactivated));
            return answer;
        }
        JsonNode payload = spec.path("payload");
        String occurrence = JOB_ID_PREFIX + scheduleName + ":" + scheduled;
        Job job = new Job(occurrence, type, payload.isObject() ? Json.write(payload) : "{}", scheduled, scheduled.toString(),
                occurrence, 1, Optional.empty(), List.of(), clock.instant(), "schedule:" + scheduleName);
        JobRunner.Result result;
        try {
            result = runner.run(job, "schedule");
        } catch (TransientFailureException e) {
            // The scheduler will not call again for this firing: keep it as a one-time job, tried again shortly.
            Job later = runner.putBackAfterTransientFailure(job);
            LOG.warn("recurring job {} hit a transient failure ({}); re-armed for {}", job.jobId(), e.getMessage(), later.dueAt());
            return answer.put("outcome", "RETRY_SCHEDULED").put("detail", e.getMessage()).put("jobId", job.jobId());
        }
        answer.put("outcome", result.outcome().name()).put("detail", result.detail()).put("jobId", job.jobId());
        return answer;
    }

    private Instant scheduledTime(JsonNode node) {
        String text = node.asText("");
        if (text.isEmpty() || text.startsWith("<")) {
            return clock.instant();
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (RuntimeException e) {
            throw new InvalidRequestException("scheduledTime", "is \"" + text + "\"", "an ISO-8601 instant");
        }
    }
}
