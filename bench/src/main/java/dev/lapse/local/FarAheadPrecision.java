package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.local.BenchTable.Row;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Far-ahead precision: jobs scheduled beyond the horizon (PreciseHorizonSeconds at its minimum), due spread over 60 s,
 * on a runtime of its own with DynamoDB Local's own TTL (no fast TTL) and the template's schedules, so each job runs
 * only once the every-minute sweep handed it to the due-jobs queue. Lateness is firedAt − dueAt of each Job Due event.
 */
final class FarAheadPrecision {
    private static final int JOBS = Integer.getInteger("lapse.bench.far-ahead-jobs", 500);
    private static final int HORIZON = 90;
    private static final int SPREAD_SECONDS = 60;
    private static final String TYPE = "bench.far-ahead";

    private FarAheadPrecision() {
    }

    static String describe() {
        return "far-ahead precision: " + JOBS + " jobs due " + (HORIZON + 10) + "-" + (HORIZON + 10 + SPREAD_SECONDS)
                + " s ahead, PreciseHorizonSeconds=" + HORIZON + ", DynamoDB Local's own TTL (about 3 min)";
    }

    static Row measure(Path root) throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults(root).withParameters(Map.of("PreciseHorizonSeconds", Integer.toString(HORIZON)));
        try (LocalRuntime runtime = LocalRuntime.start(options)) {
            Map<String, JsonNode> fired = new ConcurrentHashMap<>();
            AtomicInteger twice = new AtomicInteger();
            runtime.bus().observe(event -> {
                JsonNode detail = event.path("detail");
                if (EventPublisher.JOB_DUE.equals(event.path("detail-type").asText()) && TYPE.equals(detail.path("jobType").asText())
                        && fired.putIfAbsent(detail.path("jobId").asText(), detail) != null) {
                    twice.incrementAndGet();
                }
            });
            LocalFunction schedule = runtime.function("ScheduleJobFunction");
            Instant first = Instant.now().plusSeconds(HORIZON + 10);
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                requests.add(BenchJobs.scheduleRequest("bench-far-" + i, TYPE, first.plusMillis(i * SPREAD_SECONDS * 1000L / JOBS)));
            }
            Parallel.run(JOBS, i -> BenchJobs.requireScheduled(schedule.invoke(requests.get(i))));
            if (!Instant.now().isBefore(first.minusSeconds(HORIZON))) {
                throw new IllegalStateException("scheduling took too long: the first job is no longer beyond the horizon");
            }
            Instant deadline = first.plusSeconds(SPREAD_SECONDS + 60);
            while (fired.size() < JOBS && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            Thread.sleep(2_000); // a second run of any job would show up as twice
            return row(fired, twice.get());
        }
    }

    private static Row row(Map<String, JsonNode> fired, int twice) {
        BenchTable.Lateness late = BenchTable.Lateness.of(fired.values(), "dueAt");
        int early = late.early();
        Map<String, Integer> triggers = late.triggers();
        int lost = JOBS - fired.size();
        boolean viaQueue = triggers.keySet().equals(java.util.Set.of("due-jobs-queue"));
        String result = late.none() ? "no job ran" : late.percentiles() + " (firedAt − dueAt); " + early + " early, " + twice + " twice, "
                + lost + " lost; via " + triggers;
        boolean met = !late.none() && late.p50() <= 300 && late.p99() <= 1_000 && late.max() <= 2_000 && early == 0 && twice == 0 && lost == 0
                && viaQueue;
        return new Row("Far-ahead precision: " + JOBS + " jobs scheduled beyond the horizon (PreciseHorizonSeconds=" + HORIZON
                + ", DynamoDB Local's own TTL), due spread over " + SPREAD_SECONDS + " s", result,
                "p50 ≤ 300 ms, p99 ≤ 1 s, max ≤ 2 s; 0 early, 0 twice, 0 lost; all via due-jobs-queue", met ? "yes" : "no");
    }

}
