package dev.lapse.local;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.action.EventPublisher;
import dev.lapse.job.Job;
import dev.lapse.json.Json;
import dev.lapse.licence.PaidLicenses;
import dev.lapse.store.JobItems;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code ./lapse bench}: measures, in one run on this machine, what the local runtime and the
 * function jars cost — runtime ready time, raw DynamoDB Local writes, scheduling and running
 * throughput of the real handlers, lateness of jobs due in the same second, each function's cold
 * start in a fresh JVM, and each function jar's size — and prints one Markdown table on stdout
 * (progress and logs go to stderr).
 *
 * <p>Sizes can be changed with system properties: {@code lapse.bench.threads} (4),
 * {@code lapse.bench.items} (2000), {@code lapse.bench.runs} (1000), {@code lapse.bench.lateness-jobs}
 * (200), {@code lapse.bench.cold-starts} (5 fresh JVMs per function); {@code lapse.bench.only} limits the run to
 * some of {@code throughput,cold-starts,lateness,jars} (the ready time is always measured).
 */
final class Bench {
    private static final int THREADS = Integer.getInteger("lapse.bench.threads", 4);
    private static final int ITEMS = Integer.getInteger("lapse.bench.items", 2000);
    private static final int RUNS = Integer.getInteger("lapse.bench.runs", 1000);
    private static final int LATENESS_JOBS = Integer.getInteger("lapse.bench.lateness-jobs", 200);
    private static final int COLD_STARTS = Integer.getInteger("lapse.bench.cold-starts", 5);
    private static final int WARMUP = 200;
    /** Raw and handler writes alternate in this many rounds, after this many warm-up calls of each (DynamoDB Local's JIT needs them). */
    private static final int WRITE_ROUNDS = 4;
    private static final int WRITE_WARMUP = 500;
    private static final int STREAM_BATCH = 10;
    private static final int LATENESS_LEAD_SECONDS = 6;

    private static final long READY_TARGET_MS = 10_000;
    private static final double SCHEDULE_RATIO_TARGET = 0.5;
    private static final long FIRST_EVENT_TARGET_MS = 150;
    private static final long JVM_TO_HANDLED_TARGET_MS = 1_000;
    private static final long JAR_TARGET_BYTES = 8_000_000;
    /** Which parts to measure besides the ready time: throughput, cold-starts, lateness, jars (all by default). */
    private static final List<String> ONLY = List.of(System.getProperty("lapse.bench.only", "throughput,cold-starts,lateness,jars").split(","));

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    /** One line of the table. */
    private record Row(String figure, String result, String target, String met) {
    }

    /** A function of the template: where its jar is and which handler it names. */
    private record FunctionSpec(String logicalId, Path jar, String handler) {
    }

    /** One fresh-JVM invocation: the parent's wall clock and the child's own timings. */
    private record ColdStart(long wallMs, long launchToHandledMs, long jvmToHandledMs, long mainToHandledMs, long initMs,
                             long handleMs, boolean verified, String problem) {
    }

    /** An event for a cold-start child, and how to tell from its answer (and the runtime) that it really ran. */
    private record ColdStartCase(String eventJson, Predicate<String> verify) {
    }

    private final Path root;
    private final PrintStream progress = System.err;
    private final List<Row> rows = new ArrayList<>();
    /** Job Due events seen on the throughput runtime's bus: jobId -> trigger. */
    private final Map<String, String> jobDue = new ConcurrentHashMap<>();
    private final AtomicInteger benchRunsDue = new AtomicInteger();

    private Bench(Path root) {
        this.root = root;
    }

    static int run(Path root) {
        // The handlers log every job at INFO; at thousands of jobs that would measure the terminal.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("lapse.bench.log-level", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("DDB_LOCAL_TELEMETRY", "0");
        PrintStream stdout = System.out;
        System.setOut(System.err); // DynamoDB Local and ElasticMQ print banners: keep stdout for the table
        long started = System.nanoTime();
        Instant at = Instant.now();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Bench bench = new Bench(root);
        try {
            bench.measure();
        } catch (Exception e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            return 1;
        } finally {
            System.setOut(stdout);
        }
        bench.print(stdout, at, Duration.ofNanos(System.nanoTime() - started), load);
        return 0;
    }

    private void measure() throws Exception {
        List<FunctionSpec> functions;
        step("starting the local runtime (template.yaml, free ports, DynamoDB Local TTL)");
        long t0 = System.nanoTime();
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.defaults(root).withSchedules(false))) {
            long wall = millis(System.nanoTime() - t0);
            long ready = runtime.startup().toMillis();
            rows.add(new Row("Local runtime ready time (`LocalRuntime.start`: DynamoDB Local, ElasticMQ, bus, the template's "
                    + runtime.functionCount() + " handlers; first start in this JVM)",
                    num(ready) + " ms (`startup()`; whole `start()` call " + num(wall) + " ms)", "≤ 10 s", met(ready <= READY_TARGET_MS)));
            runtime.bus().observe(this::recordJobDue);
            functions = functions(runtime.template());

            if (ONLY.contains("throughput")) {
                writeThroughput(runtime);
                runThroughput(runtime);
            }
            if (ONLY.contains("cold-starts")) {
                coldStarts(runtime, functions);
            }
        }
        if (ONLY.contains("lateness")) {
            lateness("precise path on + fast TTL (default parameters)", Map.of());
            lateness("pure TTL path: PreciseDelivery=disabled + fast TTL", Map.of("PreciseDelivery", "disabled"));
        }
        if (ONLY.contains("jars")) {
            jarSizes(functions);
        }
    }

    // ---------------------------------------------------------------- 2 + 3. raw PutItem vs scheduling through the handler

    /**
     * Raw PutItem and scheduling through the handler, measured in alternating rounds on the same
     * table (same stream, same poller), so that warm-up and the load of other processes fall on both.
     */
    private void writeThroughput(LocalRuntime runtime) throws Exception {
        step("raw PutItem vs ScheduleJobFunction: " + ITEMS + " of each in " + WRITE_ROUNDS + " alternating rounds, " + THREADS + " threads");
        String table = runtime.tableName("JobsTable");
        var dynamo = runtime.dynamo();
        LocalFunction schedule = runtime.function("ScheduleJobFunction");
        Instant due = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < WRITE_WARMUP + ITEMS; i++) {
            items.add(JobItems.toItem(job("bench-raw-" + i, "bench.raw", due)));
            requests.add(scheduleRequest("bench-sched-" + i, "bench.job", due));
        }
        Op rawPut = i -> dynamo.putItem(r -> r.tableName(table).item(items.get(i)));
        Op handler = i -> requireScheduled(schedule.invoke(requests.get(i)));
        parallel(WRITE_WARMUP, rawPut);
        parallel(WRITE_WARMUP, handler);
        long rawNanos = 0;
        long scheduleNanos = 0;
        for (int round = 0; round < WRITE_ROUNDS; round++) {
            int from = WRITE_WARMUP + round * ITEMS / WRITE_ROUNDS;
            int count = WRITE_WARMUP + (round + 1) * ITEMS / WRITE_ROUNDS - from;
            if (round % 2 == 0) {
                rawNanos += parallel(count, i -> rawPut.run(from + i));
                scheduleNanos += parallel(count, i -> handler.run(from + i));
            } else {
                scheduleNanos += parallel(count, i -> handler.run(from + i));
                rawNanos += parallel(count, i -> rawPut.run(from + i));
            }
        }
        double raw = perSecond(ITEMS, rawNanos);
        double scheduled = perSecond(ITEMS, scheduleNanos);
        double ratio = scheduled / raw;
        rows.add(new Row("Raw DynamoDB Local PutItem into JobsTable (job-shaped items, " + num(ITEMS) + " items, " + THREADS + " threads)",
                num(Math.round(raw)) + " items/s", "— (baseline of the next line)", "—"));
        rows.add(new Row("Jobs scheduled/s through ScheduleJobFunction's handler (in-process invoke, \"Schedule Job\" due in 1 h, "
                + num(ITEMS) + " jobs, " + THREADS + " threads; conditional PutItem)",
                num(Math.round(scheduled)) + " jobs/s = " + Math.round(ratio * 100) + " % of raw PutItem",
                "≥ 50 % of raw PutItem", met(ratio >= SCHEDULE_RATIO_TARGET)));
    }

    private static void requireScheduled(String answer) {
        if (!answer.contains("\"ok\":true") || !answer.contains("\"outcome\":\"SCHEDULED\"")) {
            throw new IllegalStateException("ScheduleJobFunction did not schedule: " + answer);
        }
    }

    // ---------------------------------------------------------------- 4. running through the stream handler

    private void runThroughput(LocalRuntime runtime) throws Exception {
        step("running through RunExpiredJobsFunction: " + RUNS + " TTL REMOVE records in batches of " + STREAM_BATCH + ", " + THREADS + " threads");
        LocalFunction runExpired = runtime.function("RunExpiredJobsFunction");
        String table = runtime.tableName("JobsTable");
        String streamArn = runtime.dynamo().describeTable(r -> r.tableName(table)).table().latestStreamArn();
        int warmupBatches = WARMUP / STREAM_BATCH;
        int batches = (RUNS + STREAM_BATCH - 1) / STREAM_BATCH;
        Instant due = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        List<String> events = new ArrayList<>();
        int n = 0;
        for (int b = 0; b < warmupBatches + batches; b++) {
            ObjectNode event = Json.object();
            ArrayNode records = event.putArray("Records");
            int size = b < warmupBatches ? STREAM_BATCH : Math.min(STREAM_BATCH, RUNS - (b - warmupBatches) * STREAM_BATCH);
            for (int k = 0; k < size; k++, n++) {
                records.add(ttlRemoveRecord(job("bench-run-" + n, "bench.run", due), streamArn, n));
            }
            events.add(Json.write(event));
        }
        parallel(warmupBatches, i -> requireNoFailures(runExpired.invoke(events.get(i))));
        int before = benchRunsDue.get();
        long nanos = parallel(batches, i -> requireNoFailures(runExpired.invoke(events.get(warmupBatches + i))));
        int seen = benchRunsDue.get() - before;
        double rate = perSecond(RUNS, nanos);
        rows.add(new Row("Jobs run/s through RunExpiredJobsFunction's handler (in-process invoke, TTL REMOVE records in batches of "
                + STREAM_BATCH + ", " + num(RUNS) + " jobs, " + THREADS + " threads; each: ledger claim, Job Due event, ledger finish)",
                num(Math.round(rate)) + " jobs/s (" + num(seen) + "/" + num(RUNS) + " Job Due events seen)", "none set", "—"));
        if (seen != RUNS) {
            throw new IllegalStateException("expected " + RUNS + " Job Due events, saw " + seen);
        }
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

    // ---------------------------------------------------------------- 5. lateness

    private void lateness(String setup, Map<String, String> parameters) throws Exception {
        step("lateness, " + setup + ": starting a runtime with fast TTL");
        LocalRuntime.Options options = LocalRuntime.Options.defaults(root).withFastTtl(true).withSchedules(false).withParameters(parameters);
        try (LocalRuntime runtime = LocalRuntime.start(options)) {
            Map<String, JsonNode> fired = new ConcurrentHashMap<>();
            Map<String, Long> seenAt = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            runtime.bus().observe(event -> {
                JsonNode detail = event.path("detail");
                if (EventPublisher.JOB_DUE.equals(event.path("detail-type").asText()) && "bench.lateness".equals(detail.path("jobType").asText())) {
                    long now = System.currentTimeMillis();
                    if (fired.putIfAbsent(detail.path("jobId").asText(), detail) != null) {
                        duplicates.incrementAndGet();
                    } else {
                        seenAt.put(detail.path("jobId").asText(), now);
                    }
                }
            });
            LocalFunction schedule = runtime.function("ScheduleJobFunction");
            Instant second = Instant.now().plusSeconds(LATENESS_LEAD_SECONDS).truncatedTo(ChronoUnit.SECONDS);
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < LATENESS_JOBS; i++) {
                requests.add(scheduleRequest("bench-late-" + i, "bench.lateness", second.plusMillis(i * 1000L / LATENESS_JOBS)));
            }
            step("lateness, " + setup + ": " + LATENESS_JOBS + " jobs due within " + second + " .. +1 s");
            parallel(LATENESS_JOBS, i -> requireScheduled(schedule.invoke(requests.get(i))));
            Instant scheduled = Instant.now();
            if (!scheduled.isBefore(second)) {
                throw new IllegalStateException("scheduling the lateness jobs took until " + scheduled + ", past their due second " + second);
            }
            Instant deadline = second.plusSeconds(60);
            while (fired.size() < LATENESS_JOBS && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            Thread.sleep(1_500); // a second run of any job would show up as a duplicate
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
                    : "min " + num(late.get(0)) + " ms · p50 " + num(percentile(late, 0.50)) + " ms · p99 " + num(percentile(late, 0.99)) + " ms · max "
                    + num(late.get(late.size() - 1)) + " ms (firedAt − dueAt); " + fired.size() + "/" + LATENESS_JOBS + " ran, "
                    + duplicates.get() + " twice, " + early + " early; via " + describe(triggers)
                    + "; Job Due on the bus max " + num(delivered.get(delivered.size() - 1)) + " ms after due";
            boolean clean = fired.size() == LATENESS_JOBS && duplicates.get() == 0 && early == 0;
            rows.add(new Row("Lateness, " + setup + ": " + LATENESS_JOBS + " jobs due within one second, "
                    + LATENESS_LEAD_SECONDS + " s ahead (fast-TTL sweeper and pollers every 100 ms)",
                    result, "none set; every job once, none early", clean ? "once, none early: yes" : "no"));
        }
    }

    private static String describe(Map<String, Integer> triggers) {
        List<String> parts = new ArrayList<>();
        triggers.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    // ---------------------------------------------------------------- 6. cold starts

    /**
     * For ShadedJarsIT: starts a local runtime and runs each function's shaded jar {@code runs} times in a
     * fresh JVM on its sample event; answers, by function, what went wrong (missing jar, no sample, a
     * failed run, an event whose effect was not seen), and nothing for a function whose runs all worked.
     */
    static Map<String, String> shadedJarProblems(Path root, int runs) throws Exception {
        Bench bench = new Bench(root);
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.defaults(root).withSchedules(false))) {
            runtime.bus().observe(bench::recordJobDue);
            List<FunctionSpec> functions = bench.functions(runtime.template());
            Map<String, List<ColdStart>> results = bench.runColdStarts(runtime, functions, runs);
            Map<String, String> problems = new TreeMap<>();
            for (FunctionSpec f : functions) {
                List<ColdStart> done = results.getOrDefault(f.logicalId(), List.of());
                if (!Files.isRegularFile(f.jar())) {
                    problems.put(f.logicalId(), "jar missing: " + f.jar());
                } else if (done.size() != runs) {
                    problems.put(f.logicalId(), "ran " + done.size() + " of " + runs + " times (no sample event?)");
                } else {
                    done.stream().filter(r -> r.problem() != null || !r.verified()).findFirst().ifPresent(r -> problems.put(f.logicalId(),
                            r.problem() != null ? r.problem() : "handled, but the expected effect was not seen"));
                }
            }
            return problems;
        }
    }

    private void coldStarts(LocalRuntime runtime, List<FunctionSpec> functions) throws Exception {
        Map<String, List<ColdStart>> results = runColdStarts(runtime, functions, COLD_STARTS);
        for (FunctionSpec f : functions) {
            String figure = "Cold start of " + f.logicalId() + " (fresh `java -cp " + f.jar().getFileName()
                    + "`, handler's no-arg constructor with its priming, one sample event; " + COLD_STARTS + " JVMs)";
            List<ColdStart> runs = results.get(f.logicalId());
            if (!Files.isRegularFile(f.jar())) {
                rows.add(new Row(figure, "jar missing: " + root.relativize(f.jar()) + " (run `mvn -o package`)", "—", "no"));
            } else if (runs == null) {
                rows.add(new Row(figure, "not measured: the bench has no sample event for this function", "—", "—"));
            } else {
                rows.addAll(coldStartRows(figure, runs));
            }
        }
    }

    private Map<String, List<ColdStart>> runColdStarts(LocalRuntime runtime, List<FunctionSpec> functions, int count) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String serialization = codeSource(LambdaEventSerializers.class);
        String probe = codeSource(ColdStartProbe.class);
        Path dir = Files.createTempDirectory("lapse-bench");
        try {
            Map<String, List<ColdStart>> results = new LinkedHashMap<>();
            for (int run = 0; run < count; run++) {
                for (FunctionSpec f : functions) {
                    if (!Files.isRegularFile(f.jar())) {
                        continue;
                    }
                    ColdStartCase c = coldStartCase(runtime, f.logicalId(), run);
                    if (c == null) {
                        continue;
                    }
                    step("cold start " + (run + 1) + "/" + count + ": " + f.logicalId() + " in a fresh JVM");
                    Path event = dir.resolve(f.logicalId() + "-" + run + ".json");
                    Files.writeString(event, c.eventJson());
                    String classpath = f.jar() + File.pathSeparator + serialization + File.pathSeparator + probe;
                    Map<String, String> env = new LinkedHashMap<>(runtime.environment(f.logicalId()));
                    env.put("AWS_REGION", runtime.template().region());
                    env.put("AWS_ACCESS_KEY_ID", "local");
                    env.put("AWS_SECRET_ACCESS_KEY", "local");
                    env.put("AWS_ENDPOINT_URL_DYNAMODB", runtime.dynamoEndpoint().toString());
                    env.put("AWS_ENDPOINT_URL_SQS", runtime.sqsEndpoint().toString());
                    env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", runtime.apiEndpoint().toString());
                    env.put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
                    results.computeIfAbsent(f.logicalId(), k -> new ArrayList<>())
                            .add(launch(java, classpath, f.handler(), event, env, dir.resolve(f.logicalId() + "-" + run + ".out"), c.verify()));
                }
            }
            return results;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Two rows: the first event after init, and JVM start to the event handled, each as median and range over the JVMs. */
    private static List<Row> coldStartRows(String figure, List<ColdStart> runs) {
        List<ColdStart> failed = runs.stream().filter(r -> r.problem() != null).toList();
        if (!failed.isEmpty()) {
            return List.of(new Row(figure, "failed: " + failed.get(0).problem(), "—", "no"));
        }
        long unverified = runs.stream().filter(r -> !r.verified()).count();
        String effect = unverified == 0 ? "event handled and its effect seen every time" : unverified + " run(s) without the expected effect";
        List<Long> init = sorted(runs, ColdStart::initMs);
        List<Long> launch = sorted(runs, ColdStart::launchToHandledMs);
        return List.of(
                timing(figure + ": first event after init (`handleRequest` alone)", sorted(runs, ColdStart::handleMs), FIRST_EVENT_TARGET_MS,
                        "init before it (constructor + priming) median " + num(median(init)) + " ms, range " + num(init.get(0)) + "–"
                                + num(init.get(init.size() - 1)) + " ms; " + effect, unverified),
                timing(figure + ": JVM start → event handled", sorted(runs, ColdStart::jvmToHandledMs), JVM_TO_HANDLED_TARGET_MS,
                        "process launch → handled median " + num(median(launch)) + " ms (includes the JVM's own start-up)", unverified));
    }

    private static Row timing(String figure, List<Long> sorted, long target, String note, long unverified) {
        long over = sorted.stream().filter(ms -> ms > target).count();
        String met = unverified > 0 ? "no" : over == 0 ? "yes, every run" : median(sorted) <= target ? "median yes; " + over + " of " + sorted.size()
                + " runs over" : "**no** (" + over + " of " + sorted.size() + " runs over)";
        return new Row(figure, "median " + num(median(sorted)) + " ms, range " + num(sorted.get(0)) + "–" + num(sorted.get(sorted.size() - 1))
                + " ms; " + note, "≤ " + num(target) + " ms", met);
    }

    private static List<Long> sorted(List<ColdStart> runs, java.util.function.ToLongFunction<ColdStart> figure) {
        return runs.stream().map(r -> figure.applyAsLong(r)).sorted().toList();
    }

    private static long median(List<Long> sorted) {
        return sorted.get(sorted.size() / 2);
    }

    private ColdStart launch(Path java, String classpath, String handler, Path event, Map<String, String> env, Path output,
                             Predicate<String> verify) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", classpath, ColdStartProbe.class.getName(), handler, event.toString());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        builder.redirectOutput(output.toFile());
        long launchedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Process process = builder.start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        long wall = millis(System.nanoTime() - t0);
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
            return new ColdStart(wall, 0, 0, 0, 0, 0, false, "no exit within 60 s; output: " + tail(text));
        }
        Map<String, Long> timings = new LinkedHashMap<>();
        String response = null;
        for (String line : text.split("\n")) {
            if (line.startsWith(ColdStartProbe.MARKER)) {
                for (String kv : line.substring(ColdStartProbe.MARKER.length()).trim().split(" ")) {
                    String[] p = kv.split("=", 2);
                    timings.put(p[0], Long.parseLong(p[1]));
                }
            } else if (line.startsWith(ColdStartProbe.RESPONSE_MARKER)) {
                response = line.substring(ColdStartProbe.RESPONSE_MARKER.length());
            }
        }
        if (process.exitValue() != 0 || response == null || !timings.containsKey("handledEpochMs")) {
            return new ColdStart(wall, 0, 0, 0, 0, 0, false, "exit code " + process.exitValue() + "; output: " + tail(text));
        }
        long handled = timings.get("handledEpochMs");
        return new ColdStart(wall, handled - launchedAt, handled - timings.get("jvmStartEpochMs"), handled - timings.get("mainEpochMs"),
                timings.get("initMs"), timings.get("handleMs"), verify.test(response), null);
    }

    /** The function's sample event from events/, made valid now and unique to this run, with what it needs seeded. */
    private ColdStartCase coldStartCase(LocalRuntime runtime, String logicalId, int run) throws IOException {
        String suffix = "-cold-" + run;
        Instant now = Instant.now();
        return switch (logicalId) {
            case "ScheduleJobFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("direct-schedule-job.json");
                ObjectNode detail = (ObjectNode) event.get("detail");
                detail.put("jobId", detail.path("jobId").asText() + suffix);
                yield new ColdStartCase(Json.write(event), answer -> answer.contains("\"ok\":true"));
            }
            case "RunExpiredJobsFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("ttl-remove-record.json");
                Instant due = now.minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
                List<String> jobIds = new ArrayList<>();
                List<String> licences = new ArrayList<>();
                PaidLicenses paid = runtime.lapse(logicalId).licences();
                for (JsonNode r : event.withArray("Records")) {
                    ObjectNode record = (ObjectNode) r;
                    ObjectNode image = (ObjectNode) record.get("dynamodb").get("OldImage");
                    String jobId = image.path("jobId").path("S").asText() + suffix;
                    if (PaidLicenses.JOB_TYPE.equals(image.path("jobType").path("S").asText())) {
                        String licenceId = Json.read(image.path("payload").path("S").asText()).path(PaidLicenses.KEY).asText() + suffix;
                        paid.markCancelled(licenceId, due, now); // so that the deactivation has a licence to deactivate
                        licences.add(licenceId);
                        jobId = PaidLicenses.jobIdFor(licenceId);
                        image.set("payload", attribute(Json.write(Json.object().put(PaidLicenses.KEY, licenceId))));
                    } else {
                        jobIds.add(jobId);
                    }
                    record.put("eventID", UUID.randomUUID().toString().replace("-", ""));
                    ((ObjectNode) record.get("dynamodb")).put("ApproximateCreationDateTime", now.getEpochSecond());
                    ((ObjectNode) record.get("dynamodb").get("Keys")).set("jobId", attribute(jobId));
                    image.set("jobId", attribute(jobId));
                    image.set("occurrenceId", attribute(UUID.randomUUID().toString()));
                    image.set("dueAt", attribute(due.toString()));
                    image.set("dueSpec", attribute(due.toString()));
                    image.set("dueEpochMs", Json.object().put("N", Long.toString(due.toEpochMilli())));
                    image.set("dueMinute", attribute(MINUTE.format(due)));
                    image.set("ttl", Json.object().put("N", Long.toString(due.getEpochSecond())));
                }
                yield new ColdStartCase(Json.write(event), answer -> Json.read(answer).path("batchItemFailures").isEmpty()
                        && jobIds.stream().allMatch(id -> "ttl".equals(jobDue.get(id)))
                        && licences.stream().allMatch(id -> paid.status(id).equals(Optional.of(PaidLicenses.Status.DEACTIVATED))));
            }
            case "RunDueJobsFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("due-jobs-message.json");
                ObjectNode record = (ObjectNode) event.withArray("Records").get(0);
                JsonNode body = Json.read(record.path("body").asText());
                String jobId = body.path("jobId").asText() + suffix;
                Instant due = now.minusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
                Job job = new Job(jobId, "bench.cold-start", "{}", due, due.toString(), UUID.randomUUID().toString(), 1,
                        Optional.empty(), List.of(), now.minusSeconds(60), "bench");
                // Seeded with its TTL an hour away, so DynamoDB Local's own TTL sweeper cannot take it before the child does.
                Map<String, AttributeValue> item = new LinkedHashMap<>(JobItems.toItem(job));
                item.put(JobItems.TTL, AttributeValue.fromN(Long.toString(now.plus(Duration.ofHours(1)).getEpochSecond())));
                runtime.dynamo().putItem(r -> r.tableName(runtime.tableName("JobsTable")).item(item));
                record.put("messageId", UUID.randomUUID().toString());
                record.put("body", Json.write(Json.object().put("jobId", jobId).put("occurrenceId", job.occurrenceId()).put("dueAt", due.toString())));
                ObjectNode attributes = (ObjectNode) record.get("attributes");
                attributes.put("SentTimestamp", Long.toString(now.toEpochMilli() - 1000));
                attributes.put("ApproximateFirstReceiveTimestamp", Long.toString(now.toEpochMilli()));
                yield new ColdStartCase(Json.write(event), answer -> Json.read(answer).path("batchItemFailures").isEmpty()
                        && "due-jobs-queue".equals(jobDue.get(jobId)));
            }
            case "RunRecurringJobsFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("scheduled-daily-report.json");
                event.put("scheduledTime", now.truncatedTo(ChronoUnit.SECONDS).minusSeconds(10L + run).toString());
                yield new ColdStartCase(Json.write(event), answer -> {
                    String jobId = Json.read(answer).path("jobId").asText();
                    return "RAN".equals(Json.read(answer).path("outcome").asText()) && "schedule".equals(jobDue.get(jobId));
                });
            }
            case "ReplayDeadLettersFunction" -> {
                ObjectNode event = (ObjectNode) readEvent("replay-dead-letters.json");
                String jobId = event.path("jobId").asText() + suffix;
                event.put("jobId", jobId);
                Job job = new Job(jobId, "bench.replay", "{}", now.minusSeconds(60), now.minusSeconds(60).toString(),
                        UUID.randomUUID().toString(), 3, Optional.empty(), List.of(new Job.AttemptError(3, now, "bench")),
                        now.minusSeconds(120), "bench");
                runtime.lapse(logicalId).deadLetters().send(job, "seeded by the bench", now);
                yield new ColdStartCase(Json.write(event), answer -> Json.read(answer).path("replayed").toString().contains(jobId));
            }
            default -> null;
        };
    }

    private JsonNode readEvent(String name) throws IOException {
        return Json.read(Files.readString(root.resolve("events").resolve(name)));
    }

    private static ObjectNode attribute(String s) {
        return Json.object().put("S", s);
    }

    private void recordJobDue(JsonNode event) {
        if (EventPublisher.JOB_DUE.equals(event.path("detail-type").asText())) {
            JsonNode detail = event.path("detail");
            if ("bench.run".equals(detail.path("jobType").asText())) {
                benchRunsDue.incrementAndGet();
            } else {
                jobDue.put(detail.path("jobId").asText(), detail.path("trigger").asText());
            }
        }
    }

    // ---------------------------------------------------------------- 7. jar sizes

    private void jarSizes(List<FunctionSpec> functions) throws IOException {
        for (FunctionSpec f : functions) {
            String figure = "Size of " + f.logicalId() + "'s jar (" + root.relativize(f.jar()) + ")";
            if (!Files.isRegularFile(f.jar())) {
                rows.add(new Row(figure, "missing (run `mvn -o package`)", "≤ 8 MB", "no"));
                continue;
            }
            long bytes = Files.size(f.jar());
            rows.add(new Row(figure, String.format(Locale.ROOT, "%.2f MB (%,d bytes)", bytes / 1e6, bytes), "≤ 8 MB",
                    met(bytes <= JAR_TARGET_BYTES)));
        }
    }

    /** The template's functions, with CodeUri and Handler as the template gives them (Globals merged in). */
    private List<FunctionSpec> functions(Template template) {
        List<FunctionSpec> out = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                Map<String, Object> props = TemplateModel.functionProperties(template, resource);
                out.add(new FunctionSpec(id, root.resolve(String.valueOf(props.get("CodeUri"))).normalize(), String.valueOf(props.get("Handler"))));
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private interface Op {
        void run(int i) throws Exception;
    }

    /** Runs {@code op(0..n-1)} on {@link #THREADS} threads; returns the elapsed nanoseconds. The first failure is rethrown. */
    private static long parallel(int n, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            long t0 = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                        try {
                            op.run(i);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
            long elapsed = System.nanoTime() - t0;
            if (failure.get() != null) {
                throw new IllegalStateException("bench operation failed: " + failure.get(), failure.get());
            }
            return elapsed;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Job job(String jobId, String type, Instant due) {
        return new Job(jobId, type, "{\"bench\":true}", due, due.toString(), UUID.randomUUID().toString(), 1, Optional.empty(),
                List.of(), Instant.now(), "bench");
    }

    private static String scheduleRequest(String jobId, String type, Instant due) {
        ObjectNode request = Json.object().put("detail-type", "Schedule Job");
        request.putObject("detail").put("jobId", jobId).put("jobType", type).put("dueAt", due.toString()).putObject("payload");
        return Json.write(request);
    }

    private static long percentile(List<Long> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    private static double perSecond(int count, long nanos) {
        return count / (nanos / 1e9);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String met(boolean ok) {
        return ok ? "yes" : "**no**";
    }

    private static String tail(String text) {
        String t = text.strip().replace('\n', ' ').replace('|', '/');
        return t.length() > 400 ? "…" + t.substring(t.length() - 400) : t;
    }

    private static String codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private void step(String what) {
        progress.println("bench: " + what);
    }

    // ---------------------------------------------------------------- output

    private void print(PrintStream out, Instant at, Duration took, double load) {
        out.println();
        out.println("| # | Figure | Result | Target | Met |");
        out.println("|---|---|---|---|---|");
        int i = 1;
        for (Row r : rows) {
            out.println("| " + i++ + " | " + r.figure() + " | " + r.result() + " | " + r.target() + " | " + r.met() + " |");
        }
        out.println();
        out.println("Machine: nproc " + Runtime.getRuntime().availableProcessors() + cpuModel() + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch") + "; load average " + String.format(Locale.ROOT, "%.2f", load) + " at start, "
                + String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                + " at end (other processes may share the machine).");
        out.println("Run " + at.truncatedTo(ChronoUnit.SECONDS) + " in " + took.toSeconds() + " s, all on this machine in one JVM"
                + " (cold starts: child JVMs of the same java with the template's environment, JAVA_TOOL_OPTIONS included)."
                + " Throughput after warm-up calls (" + WRITE_WARMUP + " raw + " + WRITE_WARMUP + " handler writes, " + WARMUP
                + " runs), raw and handler writes in " + WRITE_ROUNDS + " alternating rounds; logs at WARN.");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> " (" + l.substring(l.indexOf(':') + 1).trim() + ")").orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
