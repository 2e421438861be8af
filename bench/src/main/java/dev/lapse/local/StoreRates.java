package dev.lapse.local;

import dev.lapse.inspect.JobHistory;
import dev.lapse.job.Job;
import dev.lapse.run.Attempt;
import dev.lapse.run.JobRunner;
import dev.lapse.run.PartialBatch;
import dev.lapse.store.ExecutionLedger;
import dev.lapse.store.JobItems;
import dev.lapse.store.JobStore;
import dev.lapse.store.StoredJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The store's rates on a runtime, measured on the bench's threads just before a burst and again just after (the
 * machine's speed drifts within a minute: the burst is set beside the mean of the two minimums they give): raw
 * {@code PutItem} calls, the precise path's own writes per job, and the take-and-claim transaction alone, which says
 * what one transaction costs DynamoDB Local in {@code PutItem} calls (a burst's minimum counts it as one call).
 */
record StoreRates(double putRate, double pathRate, double takeAndClaimRate) {
    private static final int RAW_CALLS = 1000;
    /** Records of the due-jobs queue's batches (its event source's BatchSize). */
    private static final int PATH_BATCH = 10;

    static StoreRates measure(LocalRuntime runtime, int jobs) throws Exception {
        return new StoreRates(rawPutRate(runtime), rawPathRate(runtime, jobs), takeAndClaimRate(runtime));
    }

    /** {@code jobs} × {@code callsPerJob} at this PutItem rate, in ms. */
    double putMinimumMs(int jobs, double callsPerJob) {
        return jobs * callsPerJob * 1000.0 / putRate;
    }

    /** {@code jobs} at this path rate, in ms. */
    double pathMinimumMs(int jobs) {
        return jobs * 1000.0 / pathRate;
    }

    /** How many PutItem calls cost the store what one take-and-claim transaction costs it. */
    double putsPerTakeAndClaim() {
        return putRate / takeAndClaimRate;
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
     * Take-and-claim transactions/s alone (the precise path's: the job's conditional delete with its claim's conditional
     * put), through the path's adapter, on the bench's threads, on {@link #RAW_CALLS} jobs put in the Jobs table beforehand
     * (after as many unmeasured, to warm the store's code paths up, as for PutItem).
     */
    private static double takeAndClaimRate(LocalRuntime runtime) throws Exception {
        Clock clock = Clock.systemUTC();
        JobStore store = jobsTable(runtime);
        StoredJobs path = new StoredJobs(store, ledger(runtime, clock), Optional.empty(), clock);
        Instant due = Instant.now().plus(Duration.ofDays(1));
        List<Job> stored = stored(store, "bench-burst-take-", 2 * RAW_CALLS, due);
        Parallel.Op take = i -> {
            var taken = path.takeAndClaim(stored.get(i), due);
            if (taken.job().isEmpty() || taken.claim().claim() != ExecutionLedger.Claim.CLAIMED) {
                throw new IllegalStateException("the bench's own job " + stored.get(i).jobId() + " was not taken and claimed");
            }
        };
        Parallel.run(RAW_CALLS, take);
        long nanos = Parallel.run(RAW_CALLS, i -> take.run(RAW_CALLS + i));
        return Parallel.perSecond(RAW_CALLS, nanos);
    }

    private static JobStore jobsTable(LocalRuntime runtime) {
        return new JobStore(runtime.dynamo(), runtime.tableName("JobsTable"), job -> false, Duration.ZERO);
    }

    /** {@code count} bench jobs due at {@code due}, put in the Jobs table (on the bench's threads). */
    private static List<Job> stored(JobStore store, String idPrefix, int count, Instant due) throws Exception {
        List<Job> stored = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            stored.add(BenchJobs.job(idPrefix + i, "bench.raw", due));
        }
        Parallel.run(stored.size(), i -> store.create(stored.get(i)));
        return stored;
    }

    private static ExecutionLedger ledger(LocalRuntime runtime, Clock clock) {
        return new ExecutionLedger(runtime.dynamo(), runtime.tableName("JobExecutionsTable"), clock, Duration.ofMinutes(2),
                Duration.ofDays(1));
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
        JobStore store = jobsTable(runtime);
        ExecutionLedger ledger = ledger(runtime, clock);
        StoredJobs path = new StoredJobs(store, ledger, Optional.empty(), clock);
        JobHistory history = new JobHistory(runtime.dynamo(), runtime.tableName("JobHistoryTable"), Duration.ofDays(1), clock);
        Instant due = Instant.now().plus(Duration.ofDays(1)); // not expired: fast TTL leaves them to the bench
        int warmUp = Math.max(100, jobs / 5); // as for PutItem: the store's code paths warmed up first, then measured
        List<Job> stored = stored(store, "bench-burst-path-", warmUp + jobs, due);
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
}
