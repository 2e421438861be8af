package dev.lapse.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.local.BenchTable.Row;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cost of a job on AWS per path: the calls the functions make while {@value #JOBS_PROPERTY}
 * jobs run on a local runtime, counted by {@link AwsCalls} on the functions' SDK clients, the
 * functions' invocations and measured durations at the template's MemorySize, priced at
 * {@link Prices#US_EAST_1} ({@link JobBill}), beside EventBridge Scheduler for the same effect.
 *
 * <p>What the local runtime does in Lambda's place is modelled, not counted: the SQS event source
 * receives and deletes each batch (2 SQS requests per RunDueJobs invocation); the stream event source's
 * GetRecords is free when Lambda reads the stream, and TTL deletions are free. Each request arrives as
 * one custom event on the bus (a direct Invoke would save it).
 */
final class CostModel {
    static final String JOBS_PROPERTY = "lapse.bench.cost-jobs";
    private static final int JOBS = Integer.getInteger(JOBS_PROPERTY, 100);
    private static final int WARMUP = 20;
    private static final String TYPE = "bench.cost";
    private static final List<String> FUNCTIONS = List.of("ScheduleJobFunction", "RunDueJobsFunction", "RunExpiredJobsFunction");
    /** Receive + delete of one batch by Lambda's SQS poller. */
    private static final int SQS_REQUESTS_PER_BATCH = 2;
    /** The Schedule Job (or Subscription Cancelled) event a request arrives as. */
    private static final int REQUEST_EVENTS = 1;

    private CostModel() {
    }

    static List<Row> measure(Path root) throws Exception {
        List<Row> rows = new ArrayList<>();
        AwsCalls calls = new AwsCalls();
        RuntimeOptions options = RuntimeOptions.defaults(root).withFastTtl(true).withSchedules(false);
        // no TTL at all on the precise path: on AWS TTL comes minutes after the queue has run the job, here it would race it
        try (LocalRuntime runtime = LocalRuntime.start(RuntimeOptions.defaults(root).withoutTtl().withSchedules(false), calls)) {
            rows.add(path(runtime, calls, "job scheduled within the horizon: due-jobs queue", false));
        }
        AwsCalls ttlCalls = new AwsCalls();
        try (LocalRuntime runtime = LocalRuntime.start(options.withParameters(Map.of("PreciseDelivery", "disabled")), ttlCalls)) {
            rows.add(path(runtime, ttlCalls, "job scheduled beyond the horizon: TTL safety net today (PreciseDelivery=disabled)", false));
            rows.add(path(runtime, ttlCalls, "licence deactivation at the end of a paid period, beyond the horizon (TTL today)", true));
        }
        JobBill scheduler = JobBill.EVENTBRIDGE_SCHEDULER;
        rows.add(new Row("Cost per million jobs, EventBridge Scheduler for the same effect (a one-time schedule putting the event on a bus at T)",
                JobBill.perMillion(scheduler.dollars(Prices.US_EAST_1, "x86_64")) + ": " + scheduler.describe(Prices.US_EAST_1, "x86_64")
                        + "; the first 14 M invocations a month are free", "the comparison", "-"));
        return rows;
    }

    private static Row path(LocalRuntime runtime, AwsCalls calls, String path, boolean licence) throws Exception {
        Bench.step("cost, " + path + ": " + WARMUP + " warm-up jobs, then " + JOBS + " counted");
        run(runtime, calls, licence, WARMUP);
        Measured measured = run(runtime, calls, licence, JOBS);
        return row(runtime.template(), path, measured.done(), measured.tally(), measured.invoked());
    }

    /** What {@code jobs} jobs of one path did: how many ran, the calls, the invocations. */
    private record Measured(int done, AwsCalls.Tally tally, Map<String, LocalFunction.Invocations> invoked) {
    }

    private static Measured run(LocalRuntime runtime, AwsCalls calls, boolean licence, int jobs) throws Exception {
        String prefix = "bench-cost-" + Long.toString(System.nanoTime(), 36) + "-";
        Set<String> ran = ConcurrentHashMap.newKeySet();
        runtime.bus().observe(event -> {
            String jobId = event.path("detail").path("jobId").asText();
            if (EventPublisher.JOB_DUE.equals(event.path("detail-type").asText()) && jobId.startsWith(prefix)) {
                ran.add(jobId);
            }
        });
        Instant due = Instant.now().plusSeconds(Math.max(6, jobs / 10));
        IntFunction<String> request = licence ? i -> cancelled(prefix + i, due.plusMillis(i * 1000L / jobs))
                : i -> BenchJobs.scheduleRequest(prefix + i, TYPE, due.plusMillis(i * 1000L / jobs));
        Map<String, LocalFunction.Invocations> before = invocations(runtime);
        AwsCalls.Tally start = calls.tally();

        LocalFunction schedule = runtime.function("ScheduleJobFunction");
        Parallel.run(jobs, i -> BenchJobs.requireScheduled(schedule.invoke(request.apply(i))));
        Instant deadline = due.plusSeconds(90);
        while (done(runtime, licence, prefix, ran, jobs) < jobs && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        int done = done(runtime, licence, prefix, ran, jobs);
        Thread.sleep(2_000); // the writes that finish a run come after its event
        AwsCalls.Tally tally = calls.tally().minus(start);
        Map<String, LocalFunction.Invocations> invoked = new LinkedHashMap<>();
        invocations(runtime).forEach((id, after) -> invoked.put(id, after.since(before.get(id))));
        return new Measured(done, tally, invoked);
    }

    private static Row row(Template template, String path, int done, AwsCalls.Tally tally, Map<String, LocalFunction.Invocations> invoked) {
        long invocations = 0;
        double gbSeconds = 0;
        String architecture = "x86_64";
        List<String> functions = new ArrayList<>();
        for (var e : invoked.entrySet()) {
            if (e.getValue().count() == 0) {
                continue;
            }
            Map<String, Object> props = TemplateModel.functionProperties(template, template.resources().get(e.getKey()));
            double memoryGb = Double.parseDouble(String.valueOf(props.getOrDefault("MemorySize", 128))) / 1024;
            architecture = String.valueOf(((List<?>) props.getOrDefault("Architectures", List.of("x86_64"))).get(0));
            invocations += e.getValue().count();
            gbSeconds += memoryGb * e.getValue().nanos() / 1e9;
            functions.add(String.format(Locale.ROOT, "%s %.2f (mean %.0f ms at %.0f MB)", e.getKey(), (double) e.getValue().count() / Math.max(1, done),
                    e.getValue().nanos() / 1e6 / e.getValue().count(), memoryGb * 1024));
        }
        long batches = invoked.getOrDefault("RunDueJobsFunction", new LocalFunction.Invocations(0, 0)).count();
        JobBill bill = JobBill.perJob(Math.max(1, done), invocations, gbSeconds, tally.writeUnits(), tally.readUnits(),
                tally.sqsRequests() + SQS_REQUESTS_PER_BATCH * batches, tally.events() + (double) REQUEST_EVENTS * done);
        double dollars = bill.dollars(Prices.US_EAST_1, architecture);
        double scheduler = JobBill.EVENTBRIDGE_SCHEDULER.dollars(Prices.US_EAST_1, architecture);
        List<String> perCall = new ArrayList<>();
        tally.calls().forEach((op, n) -> perCall.add(String.format(Locale.ROOT, "%s %.2f%s", op, (double) n / done,
                tally.units().containsKey(op) ? String.format(Locale.ROOT, " (%.2f units)", tally.units().get(op) / done) : "")));
        String result = JobBill.perMillion(dollars) + " (" + architecture + "): " + bill.describe(Prices.US_EAST_1, architecture)
                + "; per job: " + String.join(", ", perCall) + "; invocations per job: " + String.join(", ", functions)
                + (tally.failed().isEmpty() ? "" : "; failed calls: " + tally.failed())
                + (tally.dynamoWithoutCapacity() == 0 ? "" : "; " + tally.dynamoWithoutCapacity() + " DynamoDB answers without ConsumedCapacity")
                + "; " + done + "/" + JOBS + " ran";
        return new Row("Cost per million jobs, " + path, result, "≤ EventBridge Scheduler's " + JobBill.perMillion(scheduler),
                done == JOBS ? BenchTable.met(dollars <= scheduler) : "**no** (" + done + "/" + JOBS + " ran)");
    }

    private static Map<String, LocalFunction.Invocations> invocations(LocalRuntime runtime) {
        Map<String, LocalFunction.Invocations> out = new LinkedHashMap<>();
        FUNCTIONS.forEach(id -> out.put(id, runtime.function(id).invocations()));
        return out;
    }

    /** How many of the jobs ran: Job Due events seen, or licences deactivated (read with the runtime's own client, not counted). */
    private static int done(LocalRuntime runtime, boolean licence, String prefix, Set<String> ran, int jobs) {
        if (!licence) {
            return ran.size();
        }
        int deactivated = 0;
        for (int i = 0; i < jobs; i++) {
            String id = prefix + i;
            var item = runtime.dynamo().getItem(r -> r.tableName(runtime.tableName("PaidLicensesTable")).consistentRead(true)
                    .key(Map.of(PaidLicenses.KEY, AttributeValue.fromS(id)))).item();
            if (item != null && PaidLicenses.Status.DEACTIVATED.name().equals(item.getOrDefault("status", AttributeValue.fromS("")).s())) {
                deactivated++;
            }
        }
        return deactivated;
    }

    private static String cancelled(String licenceId, Instant paidUntil) {
        ObjectNode request = Json.object().put("detail-type", "Subscription Cancelled");
        request.putObject("detail").put("licenceId", licenceId).put("paidUntil", paidUntil.toString());
        return Json.write(request);
    }
}
