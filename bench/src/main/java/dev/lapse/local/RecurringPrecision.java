package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.json.Json;
import dev.lapse.local.BenchTable.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recurring precision: recurring jobs {@code every} 5 s for a minute on a runtime of its own (default parameters,
 * DynamoDB Local's own TTL), each occurrence armed by the previous one. Lateness is firedAt − scheduledFor of each
 * occurrence's Job Due event; an occurrence is one (jobId, sequence).
 */
final class RecurringPrecision {
    private static final int JOBS = Integer.getInteger("lapse.bench.recurring-jobs", 100);
    private static final int EVERY_SECONDS = 5;
    private static final int FOR_SECONDS = 60;
    private static final String TYPE = "bench.recurring";

    private RecurringPrecision() {
    }

    static String describe() {
        return "recurring precision: " + JOBS + " jobs every " + EVERY_SECONDS + " s for " + FOR_SECONDS + " s";
    }

    static Row measure(Path root) throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(RuntimeOptions.defaults(root))) {
            Map<String, JsonNode> fired = new ConcurrentHashMap<>();
            AtomicInteger twice = new AtomicInteger();
            runtime.bus().observe(event -> {
                JsonNode d = event.path("detail");
                if (EventPublisher.JOB_DUE.equals(event.path("detail-type").asText()) && TYPE.equals(d.path("jobType").asText())
                        && fired.putIfAbsent(d.path("jobId").asText() + "#" + d.path("scheduledFor").asText(), d) != null) {
                    twice.incrementAndGet();
                }
            });
            LocalFunction schedule = runtime.function("ScheduleJobFunction");
            Instant start = Instant.now().plusSeconds(10);
            Parallel.run(JOBS, i -> {
                ObjectNode request = Json.object().put("detail-type", "Schedule Job");
                ObjectNode detail = request.putObject("detail").put("jobId", "bench-every-" + i).put("jobType", TYPE);
                // spread over one period so the occurrences do not all fall in the same second
                Instant first = start.plusMillis(i * EVERY_SECONDS * 1000L / JOBS);
                detail.putObject("recurrence").put("every", "PT" + EVERY_SECONDS + "S").put("startAt", first.toString())
                        .put("endAt", first.plusSeconds(FOR_SECONDS).minusMillis(1).toString()); // 12 occurrences each
                BenchJobs.requireScheduled(schedule.invoke(Json.write(request)));
            });
            Thread.sleep(Duration.between(Instant.now(), start.plusSeconds(FOR_SECONDS + 5)).toMillis());
            int expected = JOBS * (FOR_SECONDS / EVERY_SECONDS);
            return row(fired, twice.get(), expected);
        }
    }

    private static Row row(Map<String, JsonNode> fired, int twice, int expected) {
        BenchTable.Lateness late = BenchTable.Lateness.of(fired.values(), "scheduledFor");
        int early = late.early();
        int missing = Math.max(0, expected - fired.size());
        String result = late.none() ? "no occurrence ran" : fired.size() + " occurrences: " + late.percentiles()
                + " (firedAt − scheduledFor); " + early + " early, " + twice + " twice, " + missing + " of " + expected + " missing; via "
                + late.triggers();
        boolean met = !late.none() && late.p99() <= 1_000 && early == 0 && twice == 0 && missing == 0;
        return new Row("Recurring precision: " + JOBS + " recurring jobs every " + EVERY_SECONDS + " s for " + FOR_SECONDS
                + " s (default parameters, DynamoDB Local's own TTL)", result, "p99 ≤ 1 s; 0 early, 0 twice, 0 missing", met ? "yes" : "no");
    }

}
