package dev.lapse.local;

import dev.lapse.local.BenchTable.Row;
import dev.lapse.store.JobItems;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Raw DynamoDB Local PutItem against scheduling through ScheduleJobFunction's handler, measured in
 * alternating rounds on the same table (same stream, same poller), so that warm-up and the load of
 * other processes fall on both.
 */
final class WriteThroughput {
    private static final int ITEMS = Integer.getInteger("lapse.bench.items", 2000);
    /** Raw and handler writes alternate in this many rounds, after this many warm-up calls of each (DynamoDB Local's JIT needs them). */
    static final int ROUNDS = 4;
    static final int WARMUP = 500;
    private static final double RATIO_TARGET = 0.5;

    private WriteThroughput() {
    }

    /** The rows, and the raw PutItem rate (items/s) that the run-throughput row is judged against. */
    record Measured(List<Row> rows, double rawRate) {
    }

    static Measured measure(LocalRuntime runtime) throws Exception {
        String table = runtime.tableName("JobsTable");
        var dynamo = runtime.dynamo();
        LocalFunction schedule = runtime.function("ScheduleJobFunction");
        Instant due = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < WARMUP + ITEMS; i++) {
            items.add(JobItems.toItem(BenchJobs.job("bench-raw-" + i, "bench.raw", due)));
            requests.add(BenchJobs.scheduleRequest("bench-sched-" + i, "bench.job", due));
        }
        Parallel.Op rawPut = i -> dynamo.putItem(r -> r.tableName(table).item(items.get(i)));
        Parallel.Op handler = i -> BenchJobs.requireScheduled(schedule.invoke(requests.get(i)));
        Parallel.run(WARMUP, rawPut);
        Parallel.run(WARMUP, handler);
        long rawNanos = 0;
        long scheduleNanos = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int from = WARMUP + round * ITEMS / ROUNDS;
            int count = WARMUP + (round + 1) * ITEMS / ROUNDS - from;
            if (round % 2 == 0) {
                rawNanos += Parallel.run(count, i -> rawPut.run(from + i));
                scheduleNanos += Parallel.run(count, i -> handler.run(from + i));
            } else {
                scheduleNanos += Parallel.run(count, i -> handler.run(from + i));
                rawNanos += Parallel.run(count, i -> rawPut.run(from + i));
            }
        }
        double raw = Parallel.perSecond(ITEMS, rawNanos);
        double scheduled = Parallel.perSecond(ITEMS, scheduleNanos);
        double ratio = scheduled / raw;
        int threads = Parallel.THREADS;
        return new Measured(List.of(
                new Row("Raw DynamoDB Local PutItem into JobsTable (job-shaped items, " + BenchTable.num(ITEMS) + " items, " + threads + " threads)",
                        BenchTable.num(Math.round(raw)) + " items/s", "— (baseline of the next line)", "—"),
                new Row("Jobs scheduled/s through ScheduleJobFunction's handler (in-process invoke, \"Schedule Job\" due in 1 h, "
                        + BenchTable.num(ITEMS) + " jobs, " + threads + " threads; conditional PutItem)",
                        BenchTable.num(Math.round(scheduled)) + " jobs/s = " + Math.round(ratio * 100) + " % of raw PutItem",
                        "≥ 50 % of raw PutItem", BenchTable.met(ratio >= RATIO_TARGET))), raw);
    }

    static String describe() {
        return "raw PutItem vs ScheduleJobFunction: " + ITEMS + " of each in " + ROUNDS + " alternating rounds, " + Parallel.THREADS + " threads";
    }
}
