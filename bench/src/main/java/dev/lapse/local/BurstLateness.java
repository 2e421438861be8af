package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.local.BenchTable.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lateness of a burst of jobs due within the same second, on a runtime of its own with fast TTL:
 * firedAt − dueAt of each Job Due event, and that every job ran once and none early.
 */
final class BurstLateness {
    private static final int JOBS = Integer.getInteger("lapse.bench.lateness-jobs", 200);
    private static final int LEAD_SECONDS = 6;
    private static final String TYPE = "bench.lateness";

    private BurstLateness() {
    }

    static Row measure(Path root, String setup, Map<String, String> parameters) throws Exception {
        Bench.step("lateness, " + setup + ": starting a runtime with fast TTL");
        LocalRuntime.Options options = LocalRuntime.Options.defaults(root).withFastTtl(true).withSchedules(false).withParameters(parameters);
        try (LocalRuntime runtime = LocalRuntime.start(options)) {
            Map<String, JsonNode> fired = new ConcurrentHashMap<>();
            Map<String, Long> seenAt = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            runtime.bus().observe(event -> {
                JsonNode detail = event.path("detail");
                if (EventPublisher.JOB_DUE.equals(event.path("detail-type").asText()) && TYPE.equals(detail.path("jobType").asText())) {
                    long now = System.currentTimeMillis();
                    if (fired.putIfAbsent(detail.path("jobId").asText(), detail) != null) {
                        duplicates.incrementAndGet();
                    } else {
                        seenAt.put(detail.path("jobId").asText(), now);
                    }
                }
            });
            LocalFunction schedule = runtime.function("ScheduleJobFunction");
            Instant second = Instant.now().plusSeconds(LEAD_SECONDS).truncatedTo(ChronoUnit.SECONDS);
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                requests.add(BenchJobs.scheduleRequest("bench-late-" + i, TYPE, second.plusMillis(i * 1000L / JOBS)));
            }
            Bench.step("lateness, " + setup + ": " + JOBS + " jobs due within " + second + " .. +1 s");
            Parallel.run(JOBS, i -> BenchJobs.requireScheduled(schedule.invoke(requests.get(i))));
            Instant scheduled = Instant.now();
            if (!scheduled.isBefore(second)) {
                throw new IllegalStateException("scheduling the lateness jobs took until " + scheduled + ", past their due second " + second);
            }
            Instant deadline = second.plusSeconds(60);
            while (fired.size() < JOBS && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            Thread.sleep(1_500); // a second run of any job would show up as a duplicate
            return row(setup, fired, seenAt, duplicates.get());
        }
    }

    private static Row row(String setup, Map<String, JsonNode> fired, Map<String, Long> seenAt, int duplicates) {
        List<Long> late = new ArrayList<>();
        List<Long> delivered = new ArrayList<>();
        Map<String, Integer> triggers = new TreeMap<>();
        int early = 0;
        for (var e : fired.entrySet()) {
            JsonNode d = e.getValue();
            Instant dueAt = Instant.parse(d.path("dueAt").asText());
            long ms = Duration.between(dueAt, Instant.parse(d.path("firedAt").asText())).toMillis();
            if (ms < 0) {
                early++;
            }
            late.add(ms);
            delivered.add(seenAt.get(e.getKey()) - dueAt.toEpochMilli());
            triggers.merge(d.path("trigger").asText(), 1, Integer::sum);
        }
        late.sort(Comparator.naturalOrder());
        delivered.sort(Comparator.naturalOrder());
        String result = late.isEmpty() ? "no job ran within 60 s"
                : "min " + BenchTable.num(late.get(0)) + " ms · p50 " + BenchTable.num(percentile(late, 0.50)) + " ms · p99 "
                + BenchTable.num(percentile(late, 0.99)) + " ms · max " + BenchTable.num(late.get(late.size() - 1)) + " ms (firedAt − dueAt); "
                + fired.size() + "/" + JOBS + " ran, " + duplicates + " twice, " + early + " early; via " + describe(triggers)
                + "; Job Due on the bus max " + BenchTable.num(delivered.get(delivered.size() - 1)) + " ms after due";
        boolean clean = fired.size() == JOBS && duplicates == 0 && early == 0;
        return new Row("Lateness, " + setup + ": " + JOBS + " jobs due within one second, "
                + LEAD_SECONDS + " s ahead (fast-TTL sweeper and pollers every 100 ms)",
                result, "none set; every job once, none early", clean ? "once, none early: yes" : "no");
    }

    private static long percentile(List<Long> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    private static String describe(Map<String, Integer> triggers) {
        List<String> parts = new ArrayList<>();
        triggers.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }
}
