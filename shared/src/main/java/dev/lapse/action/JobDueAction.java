package dev.lapse.action;

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

    @Override
    public Result run(Job job, Run run) {
        publisher.publish(EventPublisher.JOB_DUE, detail(job, run));
        return new Result("published " + EventPublisher.JOB_DUE, false);
    }

    public static ObjectNode detail(Job job, Run run) {
        ObjectNode detail = Json.object();
        detail.put("jobId", job.jobId());
        detail.put("jobType", job.type());
        detail.set("payload", Json.read(job.payload()));
        detail.put("dueAt", job.dueAt().toString());
        detail.put("firedAt", run.firedAt().toString());
        detail.put("latenessMs", Math.max(0, Duration.between(job.dueAt(), run.firedAt()).toMillis()));
        detail.put("attempt", job.attempt());
        detail.put("occurrenceId", job.occurrenceId());
        detail.put("trigger", run.trigger());
        return detail;
    }
}
