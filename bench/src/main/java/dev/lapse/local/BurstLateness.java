package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.inspect.JobHistory;
import dev.lapse.local.BenchTable.Row;
import dev.lapse.job.Job;
import dev.lapse.run.Attempt;
import dev.lapse.run.JobRunner;
import dev.lapse.run.PartialBatch;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobItems;
import dev.lapse.store.JobStore;
import dev.lapse.store.StoredJobs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Lateness of a burst of jobs due within the same second, on a runtime of its own with fast TTL:
 * firedAt − dueAt of each Job Due event, and that every job ran once and none early. The drain time (due
 * second to the last Job Due) is set beside the store-bound minimum measured on the same runtime just before and just
 * after the burst (the mean of the two; for the bursts of {@link #BURSTS}, a burst of the bench's own is run first,
 * unmeasured, so the store and the functions are compiled):
 * jobs × the DynamoDB calls per job the functions made in this burst (counted on their clients from the due second
 * on, {@link AwsCalls#countingOnly}) ÷ the raw DynamoDB Local PutItem rate, and beside the path's writes done alone
 * (take-and-claim, finish, history record; a transaction costs DynamoDB Local more than a PutItem: its single SQLite
 * thread is the store's limit here).
 */
final class BurstLateness {
    static final int DEFAULT_JOBS = Integer.getInteger("lapse.bench.lateness-jobs", 200);
    /** Bursts the bench measures on the precise path ({@code lapse.bench.bursts}). */
    static final List<Integer> BURSTS = java.util.Arrays.stream(System.getProperty("lapse.bench.bursts", "1000,10000").split(","))
            .map(String::trim).map(Integer::valueOf).toList();
    private static final int RAW_CALLS = 1000;
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
            Store before = Store.measure(runtime, jobs);
            Bench.step("lateness, " + setup + ": " + jobs + " jobs due within one second, " + lead + " s ahead");
            Instant second = scheduleBurst(schedule, "bench-late-", TYPE, jobs, lead);
            AwsCalls.Tally beforeRuns = calls.tally(); // the scheduling is done: from here on the calls are the runs'
            awaitRuns(() -> fired.size() >= jobs, second, jobs);
            Thread.sleep(QUIET_MS); // a second run of any job would show up as a duplicate, and the last runs' writes are done
            AwsCalls.PerJob runCalls = AwsCalls.perJob(calls.tally().minus(beforeRuns), jobs);
            Bench.step("lateness, " + setup + ": the store's rates again, after the burst");
            Store after = Store.measure(runtime, jobs);
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

    /**
     * The store's rates on this runtime, measured on the bench's threads just before a burst and again just after (the
     * machine's speed drifts within a minute: the burst is set beside the mean of the two minimums they give).
     */
    record Store(double putRate, double pathRate) {
        static Store measure(LocalRuntime runtime, int jobs) throws Exception {
            return new Store(rawPutRate(runtime), rawPathRate(runtime, jobs));
        }

        /** {@code jobs} × {@code callsPerJob} at this PutItem rate, and as many jobs at this path rate, in ms. */
        double putMinimumMs(int jobs, double callsPerJob) {
            return jobs * callsPerJob * 1000.0 / putRate;
        }

        double pathMinimumMs(int jobs) {
            return jobs * 1000.0 / pathRate;
        }
    }

    /** Raw PutItem calls/s into the Jobs table (job-shaped items due in a day, then deleted), on the bench's threads. */
    private static double rawPutRate(LocalRuntime runtime) throws Exception {
        String table = runtime.tableName("JobsTable");
        Instant later = Instant.now().plus(Duration.ofDays(1));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 2 * RAW_CALLS; i++) {
            items.add(JobItems.toItem(BenchJobs.job("bench-burst-raw-" + i, "bench.raw", later)));
        }
        Parallel.run(RAW_CALLS, i -> runtime.dynamo().putItem(r -> r.tableName(table).item(items.get(i)))); // warm-up
        long nanos = Parallel.run(RAW_CALLS, i -> runtime.dynamo().putItem(r -> r.tableName(table).item(items.get(RAW_CALLS + i))));
        // out again, so the fast-TTL sweeper's scans during the burst are not made longer by them
        Parallel.run(2 * RAW_CALLS, i -> runtime.dynamo().deleteItem(r -> r.tableName(table)
                .key(Map.of(JobItems.JOB_ID, items.get(i).get(JobItems.JOB_ID)))));
        return Parallel.perSecond(RAW_CALLS, nanos);
    }

    /**
     * Jobs/s the store allows the precise path, measured on the bench's threads: the path's own DynamoDB writes per job
     * and nothing else (the take-and-claim transaction, the single-write finish, the history record, through the same adapters,
     * in batches of {@value #PATH_BATCH} as the function runs them, so that the history records of a batch join one call),
     * on as many jobs as the burst, put in the Jobs table beforehand. What a burst drains against if the runtime adds
     * nothing: no SQS, no handler, no bus.
     */
    private static double rawPathRate(LocalRuntime runtime, int jobs) throws Exception {
        Clock clock = Clock.systemUTC();
        JobStore store = new JobStore(runtime.dynamo(), runtime.tableName("JobsTable"), job -> false, Duration.ZERO);
        ExecutionLedger ledger = new ExecutionLedger(runtime.dynamo(), runtime.tableName("JobExecutionsTable"), clock,
                Duration.ofMinutes(2), Duration.ofDays(1));
        StoredJobs path = new StoredJobs(store, ledger, Optional.empty(), clock);
        JobHistory history = new JobHistory(runtime.dynamo(), runtime.tableName("JobHistoryTable"), Duration.ofDays(1), clock);
        Instant due = Instant.now().plus(Duration.ofDays(1)); // not expired: fast TTL leaves them to the bench
        int warmUp = Math.max(100, jobs / 5); // as for PutItem: the store's code paths warmed up first, then measured
        List<Job> stored = new ArrayList<>();
        for (int i = 0; i < warmUp + jobs; i++) {
            stored.add(BenchJobs.job("bench-burst-path-" + i, "bench.raw", due));
        }
        Parallel.run(stored.size(), i -> store.create(stored.get(i)));
        Parallel.Op takeAndFinish = i -> {
            Job job = stored.get(i);
            if (path.takeAndClaim(job, due).job().isEmpty()
                    || !ledger.finishPatiently(job.occurrenceId(), job.attempt(), ExecutionLedger.State.DONE, "bench")) {
                throw new IllegalStateException("the bench's own job " + job.jobId() + " was not taken and finished");
            }
            history.observe(new Attempt(job.jobId(), job.type(), job.occurrenceId(), job.attempt(), "bench", due, clock.instant(),
                    JobRunner.Outcome.RAN, "bench"));
        };
        Parallel.run(batches(warmUp), b -> inBatch(b, 0, warmUp, takeAndFinish));
        long nanos = Parallel.run(batches(jobs), b -> inBatch(b, warmUp, jobs, takeAndFinish));
        return Parallel.perSecond(jobs, nanos);
    }

    /** Records of the due-jobs queue's batches (its event source's BatchSize). */
    private static final int PATH_BATCH = 10;

    private static int batches(int jobs) {
        return (jobs + PATH_BATCH - 1) / PATH_BATCH;
    }

    /**
     * Batch {@code b} of the {@code count} jobs from {@code first}, run as the due-jobs function runs a batch (its records
     * concurrently, their history records joined into one call, {@link PartialBatch}).
     */
    private static void inBatch(int b, int first, int count, Parallel.Op takeAndFinish) {
        List<Integer> batch = new ArrayList<>();
        for (int i = b * PATH_BATCH; i < Math.min(count, (b + 1) * PATH_BATCH); i++) {
            batch.add(first + i);
        }
        List<String> failed = PartialBatch.failedIds(batch, String::valueOf, i -> {
            try {
                takeAndFinish.run(i);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        if (!failed.isEmpty()) {
            throw new IllegalStateException("the bench's own jobs " + failed + " were not taken and finished");
        }
    }

    private static Row row(String setup, Map<String, JsonNode> fired, Map<String, Long> seenAt, int duplicates, int jobs,
                           int lead, Instant second, Store before, Store after, AwsCalls.PerJob runCalls) {
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
                + BenchTable.ratio(pathRatio);
        boolean drainTarget = jobs == 1000; // the issue sets the target for the 1,000-job burst
        return new Row("Lateness, " + setup + ": " + BenchTable.num(jobs) + " jobs due within one second, "
                + lead + " s ahead (pollers every 100 ms when idle; fast TTL every 100 ms, or 4 × its last scan when that is longer)",
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
