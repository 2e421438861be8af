package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs the bench makes, and the Job Due events it sees on a runtime's bus: by job id, the
 * trigger that ran it; for the run-throughput jobs ({@value #RUN_TYPE}), only a count.
 */
final class BenchJobs {
    static final String RUN_TYPE = "bench.run";

    private final Map<String, String> triggerByJobId = new ConcurrentHashMap<>();
    private final AtomicInteger runsDue = new AtomicInteger();

    /** Passed to {@code runtime.bus().observe}. */
    void record(JsonNode event) {
        if (EventPublisher.JOB_DUE.equals(event.path("detail-type").asText())) {
            JsonNode detail = event.path("detail");
            if (RUN_TYPE.equals(detail.path("jobType").asText())) {
                runsDue.incrementAndGet();
            } else {
                triggerByJobId.put(detail.path("jobId").asText(), detail.path("trigger").asText());
            }
        }
    }

    /** The trigger of the Job Due event seen for {@code jobId}, or null. */
    String trigger(String jobId) {
        return triggerByJobId.get(jobId);
    }

    int runsDue() {
        return runsDue.get();
    }

    static Job job(String jobId, String type, Instant due) {
        return new Job(jobId, type, "{\"bench\":true}", due, due.toString(), UUID.randomUUID().toString(), 1, Optional.empty(),
                List.of(), Instant.now(), "bench");
    }

    /** A "Schedule Job" event for ScheduleJobFunction. */
    static String scheduleRequest(String jobId, String type, Instant due) {
        ObjectNode request = Json.object().put("detail-type", "Schedule Job");
        request.putObject("detail").put("jobId", jobId).put("jobType", type).put("dueAt", due.toString()).putObject("payload");
        return Json.write(request);
    }

    static void requireScheduled(String answer) {
        if (!answer.contains("\"ok\":true") || !answer.contains("\"outcome\":\"SCHEDULED\"")) {
            throw new IllegalStateException("ScheduleJobFunction did not schedule: " + answer);
        }
    }
}
