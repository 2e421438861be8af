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
import java.util.function.BooleanSupplier;

/**
 * Lateness of a burst of jobs due within the same second, on a runtime of its own with fast TTL:
 * firedAt − dueAt of each Job Due event, and that every job ran once and none early. The drain time (due
 * second to the last Job Due) is set beside the store-bound minimum measured on the same runtime just before and just
 * after the burst (the mean of the two; for the bursts of {@link #BURSTS}, a burst of the bench's own is run first,
 * unmeasured, so the store and the functions are compiled):
 * jobs × the DynamoDB calls per job the functions made in this burst (counted on their clients from the due second
 * on, {@link AwsCalls#countingOnly}) ÷ the raw DynamoDB Local PutItem rate, and beside the path's writes done alone
 * (take-and-claim, finish, history record), with what one take-and-claim transaction costs the store in PutItem calls
 * ({@link StoreRates}: DynamoDB Local's single SQLite thread is the store's limit here).
 */
final class BurstLateness {
    static final int DEFAULT_JOBS = Integer.getInteger("lapse.bench.lateness-jobs", 200);
    /** Bursts the bench measures on the precise path ({@code lapse.bench.bursts}). */
    static final List<Integer> BURSTS = java.util.Arrays.stream(System.getProperty("lapse.bench.bursts", "1000,10000").split(","))
            .map(String::trim).map(Integer::valueOf).toList();
    private static final double DRAIN_TARGET = 1.25;
    private static final String TYPE = "bench.lateness";
    private static final long QUIET_MS = 2_000;
    private static final String WARM_UP_TYPE = "bench.warm-up";
    /** The warm-up burst before each measured burst ({@code lapse.bench.burst-warm-up}; 0: none). */
    static final int BURST_WARM_UP = Integer.getInteger("lapse.bench.burst-warm-up", 1000);

    private BurstLateness() {
    }

    static Row measure(Path root, String setup, Map<String, String> parameters) throws Exception {
        return measure(root, setup, parameters, DEFAULT_JOBS, 0);
    }

    /**
     * {@code jobs} due in one second, after {@code warmUp} jobs due in one second have run on the same runtime (0: none),
     * so that a burst is not also the first work of a JVM whose store and functions are not yet compiled.
     */
    static Row measure(Path root, String setup, Map<String, String> parameters, int jobs, int warmUp) throws Exception {
        int lead = lead(jobs);
        Bench.step("lateness, " + setup + ": starting a runtime with fast TTL");
        RuntimeOptions options = RuntimeOptions.defaults(root).withFastTtl(true).withSchedules(false).withParameters(parameters);
        AwsCalls calls = AwsCalls.countingOnly();
        try (LocalRuntime runtime = LocalRuntime.start(options, calls)) {
            Map<String, JsonNode> fired = new ConcurrentHashMap<>();
            Map<String, Long> seenAt = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger warmedUp = new AtomicInteger();
            runtime.bus().observe(event -> {
                JsonNode detail = event.path("detail");
                if (!EventPublisher.JOB_DUE.equals(event.path("detail-type").asText())) {
                    return;
                }
                if (WARM_UP_TYPE.equals(detail.path("jobType").asText())) {
                    warmedUp.incrementAndGet();
                } else if (TYPE.equals(detail.path("jobType").asText())) {
                    long now = System.currentTimeMillis();
                    if (fired.putIfAbsent(detail.path("jobId").asText(), detail) != null) {
                        duplicates.incrementAndGet();
                    } else {
                        seenAt.put(detail.path("jobId").asText(), now);
                    }
                }
            });
            LocalFunction schedule = runtime.function("ScheduleJobFunction");
            if (warmUp > 0) {
                Bench.step("lateness, " + setup + ": a warm-up burst of " + warmUp + " jobs, not measured");
                Instant warmSecond = scheduleBurst(schedule, "bench-warm-", WARM_UP_TYPE, warmUp, lead(warmUp));
                if (!awaitRuns(() -> warmedUp.get() >= warmUp, warmSecond, warmUp)) {
                    throw new IllegalStateException("the warm-up burst ran " + warmedUp.get() + " of its " + warmUp + " jobs in time");
                }
            }
            Thread.sleep(QUIET_MS); // the runtime's own work (priming, the warm-up's last writes) done before measuring the store
            StoreRates before = StoreRates.measure(runtime, jobs);
            Bench.step("lateness, " + setup + ": " + jobs + " jobs due within one second, " + lead + " s ahead");
            Instant second = scheduleBurst(schedule, "bench-late-", TYPE, jobs, lead);
            AwsCalls.Tally beforeRuns = calls.tally(); // the scheduling is done: from here on the calls are the runs'
            awaitRuns(() -> fired.size() >= jobs, second, jobs);
            Thread.sleep(QUIET_MS); // a second run of any job would show up as a duplicate, and the last runs' writes are done
            AwsCalls.PerJob runCalls = AwsCalls.perJob(calls.tally().minus(beforeRuns), jobs);
            Bench.step("lateness, " + setup + ": the store's rates again, after the burst");
            StoreRates after = StoreRates.measure(runtime, jobs);
            return row(setup + (warmUp > 0 ? ", after a warm-up burst of " + BenchTable.num(warmUp) : ""), fired, seenAt,
                    duplicates.get(), jobs, lead, second, before, after, runCalls);
        }
    }

    /** Seconds ahead a burst is due: scheduling runs at 200-450 jobs/s here, slower on a loaded machine. */
    private static int lead(int jobs) {
        return 6 + jobs / 80;
    }

    /** Schedules {@code jobs} jobs due within one second {@code lead} s from now; returns that second. */
    private static Instant scheduleBurst(LocalFunction schedule, String prefix, String type, int jobs, int lead) throws Exception {
        Instant second = Instant.now().plusSeconds(lead).truncatedTo(ChronoUnit.SECONDS);
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            requests.add(BenchJobs.scheduleRequest(prefix + i, type, second.plusMillis(i * 1000L / jobs)));
        }
        Parallel.run(jobs, i -> BenchJobs.requireScheduled(schedule.invoke(requests.get(i))));
        Instant scheduled = Instant.now();
        if (!scheduled.isBefore(second)) {
            throw new IllegalStateException("scheduling " + jobs + " " + type + " jobs took until " + scheduled + ", past their due second " + second);
        }
        return second;
    }

    /** Waits until {@code done}, or at most a minute and a second per 50 jobs past {@code second}; returns whether done. */
    private static boolean awaitRuns(BooleanSupplier done, Instant second, int jobs) throws InterruptedException {
        Instant deadline = second.plusSeconds(60 + jobs / 50);
        while (!done.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        return done.getAsBoolean();
    }

    private static Row row(String setup, Map<String, JsonNode> fired, Map<String, Long> seenAt, int duplicates, int jobs,
                           int lead, Instant second, StoreRates before, StoreRates after, AwsCalls.PerJob runCalls) {
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
                : "min " + BenchTable.num(late.get(0)) + " ms · p50 " + BenchTable.num(BenchTable.percentile(late, 0.50)) + " ms · p99 "
                + BenchTable.num(BenchTable.percentile(late, 0.99)) + " ms · max " + BenchTable.num(late.get(late.size() - 1)) + " ms (firedAt − dueAt); "
                + fired.size() + "/" + jobs + " ran, " + duplicates + " twice, " + early + " early; via " + describe(triggers)
                + "; Job Due on the bus max " + BenchTable.num(delivered.get(delivered.size() - 1)) + " ms after due";
        boolean clean = fired.size() == jobs && duplicates == 0 && early == 0;
        long drainMs = seenAt.values().stream().mapToLong(t -> t - second.toEpochMilli()).max().orElse(-1);
        double minimumMs = (before.putMinimumMs(jobs, runCalls.total()) + after.putMinimumMs(jobs, runCalls.total())) / 2;
        double ratio = drainMs / minimumMs;
        double pathMinimumMs = (before.pathMinimumMs(jobs) + after.pathMinimumMs(jobs)) / 2;
        double pathRatio = drainMs / pathMinimumMs;
        String drain = "; drained in " + BenchTable.num(drainMs) + " ms from the due second's start vs store-bound minimum "
                + BenchTable.num(Math.round(minimumMs)) + " ms (" + BenchTable.num(jobs) + " jobs × "
                + runCalls.describe() + ", as counted in this burst, ÷ raw PutItem " + BenchTable.num(Math.round(before.putRate()))
                + "/s just before and " + BenchTable.num(Math.round(after.putRate())) + "/s just after: the mean of the two) = "
                + BenchTable.ratio(ratio) + "; vs the path's writes alone (take-and-claim, finish, history record, on "
                + BenchTable.num(jobs) + " jobs on the bench's threads, " + BenchTable.num(Math.round(before.pathRate())) + " jobs/s before and "
                + BenchTable.num(Math.round(after.pathRate())) + " jobs/s after) " + BenchTable.num(Math.round(pathMinimumMs)) + " ms = "
                + BenchTable.ratio(pathRatio) + "; a take-and-claim transaction alone (" + BenchTable.num(Math.round(before.takeAndClaimRate()))
                + "/s before, " + BenchTable.num(Math.round(after.takeAndClaimRate())) + "/s after) costs the store what "
                + String.format(java.util.Locale.ROOT, "%.1f", (before.putsPerTakeAndClaim() + after.putsPerTakeAndClaim()) / 2)
                + " PutItem calls cost, counted above as one call";
        boolean drainTarget = jobs == 1000; // the issue sets the target for the 1,000-job burst
        return new Row("Lateness, " + setup + ": " + BenchTable.num(jobs) + " jobs due within one second, "
                + lead + " s ahead (queue pollers scaling with the backlog, the stream read 4 times a second when idle; fast TTL every 100 ms, or 4 × its last scan when that is longer)",
                result + drain, "every job once, none early" + (drainTarget ? "; drain ≤ " + DRAIN_TARGET + "× minimum" : ""),
                (clean ? "once, none early: yes" : "**no**") + (drainTarget ? "; drain vs PutItem: " + BenchTable.met(ratio <= DRAIN_TARGET) + ", vs the path's writes alone: "
                        + BenchTable.met(pathRatio <= DRAIN_TARGET) : ""));
    }


    private static String describe(Map<String, Integer> triggers) {
        List<String> parts = new ArrayList<>();
        triggers.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }
}
