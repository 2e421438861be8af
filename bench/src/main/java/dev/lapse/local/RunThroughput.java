package dev.lapse.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.local.BenchTable.Row;
import dev.lapse.store.JobItems;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Jobs run through RunExpiredJobsFunction's handler: TTL REMOVE records in batches, each job's Job Due event counted on the bus. */
final class RunThroughput {
    private static final int RUNS = Integer.getInteger("lapse.bench.runs", 1000);
    static final int WARMUP = 200;
    private static final int BATCH = 10;

    private RunThroughput() {
    }

    static String describe() {
        return "running through RunExpiredJobsFunction: " + RUNS + " TTL REMOVE records in batches of " + BATCH + ", " + Parallel.THREADS + " threads";
    }

    private static final double STORE_TARGET = 0.8;

    /**
     * {@code rawRate}: raw PutItem calls/s measured on the same runtime just before; {@code calls}: the functions' calls,
     * counted, so that the store-bound rate divides by the DynamoDB calls a job took in this run (the ledger's claim and
     * finish, the history record).
     */
    static Row measure(LocalRuntime runtime, BenchJobs seen, double rawRate, AwsCalls calls) throws Exception {
        LocalFunction runExpired = runtime.function("RunExpiredJobsFunction");
        String table = runtime.tableName("JobsTable");
        String streamArn = runtime.dynamo().describeTable(r -> r.tableName(table)).table().latestStreamArn();
        int warmupBatches = WARMUP / BATCH;
        int batches = (RUNS + BATCH - 1) / BATCH;
        Instant due = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        List<String> events = new ArrayList<>();
        int n = 0;
        for (int b = 0; b < warmupBatches + batches; b++) {
            ObjectNode event = Json.object();
            ArrayNode records = event.putArray("Records");
            int size = b < warmupBatches ? BATCH : Math.min(BATCH, RUNS - (b - warmupBatches) * BATCH);
            for (int k = 0; k < size; k++, n++) {
                records.add(ttlRemoveRecord(BenchJobs.job("bench-run-" + n, BenchJobs.RUN_TYPE, due), streamArn, n));
            }
            events.add(Json.write(event));
        }
        Parallel.run(warmupBatches, i -> requireNoFailures(runExpired.invoke(events.get(i))));
        int before = seen.runsDue();
        AwsCalls.Tally callsBefore = calls.tally();
        long nanos = Parallel.run(batches, i -> requireNoFailures(runExpired.invoke(events.get(warmupBatches + i))));
        int seenNow = seen.runsDue() - before;
        if (seenNow != RUNS) {
            throw new IllegalStateException("expected " + RUNS + " Job Due events, saw " + seenNow);
        }
        double rate = Parallel.perSecond(RUNS, nanos);
        AwsCalls.PerJob runCalls = AwsCalls.perJob(calls.tally().minus(callsBefore), RUNS);
        double storeBound = rawRate / runCalls.total();
        return new Row("Jobs run/s through RunExpiredJobsFunction's handler (in-process invoke, TTL REMOVE records in batches of "
                + BATCH + ", " + BenchTable.num(RUNS) + " jobs, " + Parallel.THREADS + " threads; each: ledger claim, Job Due event, ledger finish, history record)",
                BenchTable.num(Math.round(rate)) + " jobs/s (" + BenchTable.num(seenNow) + "/" + BenchTable.num(RUNS) + " Job Due events seen)"
                        + " vs store-bound " + BenchTable.num(Math.round(storeBound)) + " jobs/s (raw PutItem ÷ "
                        + runCalls.describe() + ", as counted) = " + Math.round(rate / storeBound * 100) + " %",
                "≥ 80 % of store-bound", BenchTable.met(rate >= STORE_TARGET * storeBound));
    }

    private static void requireNoFailures(String answer) {
        if (Json.read(answer).path("batchItemFailures").size() > 0) {
            throw new IllegalStateException("RunExpiredJobsFunction reported failures: " + answer);
        }
    }

    /** A DynamoDB stream record in Lambda's shape for a TTL deletion of {@code job}'s item. */
    private static ObjectNode ttlRemoveRecord(Job job, String streamArn, long sequence) {
        ObjectNode record = Json.object();
        record.put("eventID", UUID.randomUUID().toString().replace("-", ""));
        record.put("eventName", "REMOVE");
        record.put("eventVersion", "1.1");
        record.put("eventSource", "aws:dynamodb");
        record.put("awsRegion", "us-east-1");
        record.putObject("userIdentity").put("type", "Service").put("principalId", "dynamodb.amazonaws.com");
        ObjectNode dynamodb = record.putObject("dynamodb");
        dynamodb.put("ApproximateCreationDateTime", Instant.now().getEpochSecond());
        dynamodb.set("Keys", StreamRecords.image(Map.of(JobItems.JOB_ID, AttributeValue.fromS(job.jobId()))));
        dynamodb.set("OldImage", StreamRecords.image(JobItems.toItem(job)));
        dynamodb.put("SequenceNumber", String.format(Locale.ROOT, "%021d", 200_000_000_000_000_000L + sequence));
        dynamodb.put("SizeBytes", 400);
        dynamodb.put("StreamViewType", "OLD_IMAGE");
        record.put("eventSourceARN", streamArn);
        return record;
    }
}
