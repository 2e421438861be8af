package dev.lapse.local;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.lapse.local.BenchTable.Row;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Each function's cold start: its deployable jar, unpacked as Lambda unpacks it ({@link TaskRoot}), run in a fresh JVM
 * ({@link ColdStartProbe}) on its sample event ({@link ColdStartCases}) against a local runtime, {@code lapse.bench.cold-starts}
 * times (5); rows for the first event after init and for JVM start to the event handled.
 */
final class ColdStarts {
    private static final int COLD_STARTS = Integer.getInteger("lapse.bench.cold-starts", 5);
    private static final long FIRST_EVENT_TARGET_MS = 150;
    private static final long JVM_TO_HANDLED_TARGET_MS = 1_000;
    /** The run number of each child's second, warm event's case: apart from the first events' (0 .. cold starts). */
    static final int WARM_RUN = 1_000;
    /**
     * Classes a function must not load, in its init or on its events: the SDK's metadata of every AWS service, about 400 classes built by this
     * provider's static initializer (what building a client did up to SDK 2.5x; aws/aws-sdk-java-v2#7161).
     */
    static final List<String> MUST_NOT_LOAD = List.of("software.amazon.awssdk.regions.GeneratedServiceMetadataProvider");

    /** One fresh-JVM invocation: the parent's wall clock and the child's own timings. */
    private record ColdStart(long wallMs, long launchToHandledMs, long jvmToHandledMs, long mainToHandledMs, long initMs,
                             long handleMs, long warmMs, boolean verified, String problem) {
        static ColdStart failed(long wallMs, String problem) {
            return new ColdStart(wallMs, 0, 0, 0, 0, 0, -1, false, problem);
        }
    }

    private ColdStarts() {
    }

    static List<Row> measure(Path root, LocalRuntime runtime, BenchJobs seen, List<FunctionJar> functions) throws Exception {
        Map<String, List<ColdStart>> results = run(new ColdStartCases(root, runtime, seen), runtime, functions, COLD_STARTS, false);
        List<Row> rows = new ArrayList<>();
        for (FunctionJar f : functions) {
            String figure = "Cold start of " + f.logicalId() + " (fresh `java -cp <" + f.jar().getFileName()
                    + " unpacked>` with the options Lambda's Java runtime passes for " + f.memoryMb() + " MB, handler's no-arg constructor with its priming, one sample event; " + COLD_STARTS + " JVMs)";
            List<ColdStart> runs = results.get(f.logicalId());
            if (!Files.isRegularFile(f.jar())) {
                rows.add(new Row(figure, "jar missing: " + root.relativize(f.jar()) + " (run `mvn -o package`)", "—", "no"));
            } else if (runs == null) {
                rows.add(new Row(figure, "not measured: the bench has no sample event for this function", "—", "—"));
            } else {
                rows.addAll(rows(figure, runs));
            }
        }
        return rows;
    }

    /**
     * For ShadedJarsIT: starts a local runtime and runs each function's shaded jar {@code runs} times in a
     * fresh JVM on its sample event; answers, by function, what went wrong (missing jar, no sample, a
     * failed run, an event whose effect was not seen), and nothing for a function whose runs all worked.
     */
    static Map<String, String> shadedJarProblems(Path root, int runs) throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(RuntimeOptions.defaults(root).withSchedules(false))) {
            BenchJobs seen = new BenchJobs();
            runtime.bus().observe(seen::record);
            List<FunctionJar> functions = FunctionJar.of(root, runtime.template());
            Map<String, List<ColdStart>> results = run(new ColdStartCases(root, runtime, seen), runtime, functions, runs, true);
            Map<String, String> problems = new TreeMap<>();
            for (FunctionJar f : functions) {
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

    /** With {@code checkClasses}, each child logs the classes it loads, and one that loads any of {@link #MUST_NOT_LOAD} fails. */
    private static Map<String, List<ColdStart>> run(ColdStartCases cases, LocalRuntime runtime, List<FunctionJar> functions, int count,
                                                    boolean checkClasses) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // the probe uses the local runtime's LocalContext and handler-type lookup, nothing else of it
        String probe = String.join(File.pathSeparator, codeSource(LambdaEventSerializers.class), codeSource(ColdStartProbe.class),
                codeSource(LocalContext.class));
        Path dir = Files.createTempDirectory("lapse-bench");
        try {
            Map<Path, Path> taskRoots = new LinkedHashMap<>();
            Map<String, List<ColdStart>> results = new LinkedHashMap<>();
            for (int run = 0; run < count; run++) {
                for (FunctionJar f : functions) {
                    if (!Files.isRegularFile(f.jar())) {
                        continue;
                    }
                    ColdStartCases.Case c = cases.forFunction(f.logicalId(), run);
                    if (c == null) {
                        continue;
                    }
                    Bench.step("cold start " + (run + 1) + "/" + count + ": " + f.logicalId() + " in a fresh JVM");
                    Path event = dir.resolve(f.logicalId() + "-" + run + ".json");
                    Files.writeString(event, c.eventJson());
                    // the second, warm event: the same kind, its own job (the case of another run number), made once the
                    // first is answered, so that its fixtures are not there during the first
                    int warmRun = WARM_RUN + run;
                    String logicalId = f.logicalId();
                    WarmEvent warm = new WarmEvent(dir.resolve(logicalId + "-" + run + "-warm.json"), () -> cases.forFunction(logicalId, warmRun));
                    // Lambda unpacks the deployment package into its task root and loads the classes from there, not from the jar
                    Path taskRoot = taskRoots.computeIfAbsent(f.jar(), jar -> TaskRoot.unpack(jar, dir.resolve("task-" + taskRoots.size())));
                    String classpath = taskRoot + File.pathSeparator + probe;
                    Map<String, String> env = new LinkedHashMap<>(runtime.environment(f.logicalId()));
                    env.put("AWS_REGION", runtime.template().region());
                    env.put("AWS_ACCESS_KEY_ID", "local");
                    env.put("AWS_SECRET_ACCESS_KEY", "local");
                    env.put("AWS_ENDPOINT_URL_DYNAMODB", runtime.dynamoEndpoint().toString());
                    env.put("AWS_ENDPOINT_URL_SQS", runtime.sqsEndpoint().toString());
                    env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", runtime.apiEndpoint().toString());
                    env.put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
                    results.computeIfAbsent(f.logicalId(), k -> new ArrayList<>())
                            .add(launch(java, f.lambdaJvmOptions(), classpath, f.handler(), event, warm, env,
                                    dir.resolve(f.logicalId() + "-" + run + ".out"), c.verify(),
                                    checkClasses ? dir.resolve(f.logicalId() + "-" + run + ".classes") : null));
                }
            }
            return results;
        } finally {
            TaskRoot.delete(dir);
        }
    }

    /** Two rows: the first event after init, and JVM start to the event handled, each as median and range over the JVMs. */
    private static List<Row> rows(String figure, List<ColdStart> runs) {
        List<ColdStart> failed = runs.stream().filter(r -> r.problem() != null).toList();
        if (!failed.isEmpty()) {
            return List.of(new Row(figure, "failed: " + failed.get(0).problem(), "—", "no"));
        }
        long unverified = runs.stream().filter(r -> !r.verified()).count();
        String effect = unverified == 0 ? "both events handled and their effects seen every time" : unverified + " run(s) without the expected effect";
        List<Long> init = sorted(runs, ColdStart::initMs);
        List<Long> warm = sorted(runs, ColdStart::warmMs);
        List<Long> launch = sorted(runs, ColdStart::launchToHandledMs);
        return List.of(
                timing(figure + ": first event after init (`handleRequest` alone)", sorted(runs, ColdStart::handleMs), FIRST_EVENT_TARGET_MS,
                        "init before it (constructor + priming) median " + BenchTable.num(median(init)) + " ms, range "
                                + BenchTable.num(init.get(0)) + "–" + BenchTable.num(init.get(init.size() - 1)) + " ms; a second event of the"
                                + " same kind at once in the same JVM, warm (what the store and the work take; DynamoDB Local here): median "
                                + BenchTable.num(median(warm)) + " ms, range " + BenchTable.num(warm.get(0)) + "–" + BenchTable.num(warm.get(warm.size() - 1))
                                + " ms; " + effect, unverified),
                timing(figure + ": JVM start → event handled", sorted(runs, ColdStart::jvmToHandledMs), JVM_TO_HANDLED_TARGET_MS,
                        "process launch → handled median " + BenchTable.num(median(launch)) + " ms (includes the JVM's own start-up)", unverified));
    }

    private static Row timing(String figure, List<Long> sorted, long target, String note, long unverified) {
        long over = sorted.stream().filter(ms -> ms > target).count();
        String met = unverified > 0 ? "no" : over == 0 ? "yes, every run" : median(sorted) <= target ? "median yes; " + over + " of " + sorted.size()
                + " runs over" : "**no** (" + over + " of " + sorted.size() + " runs over)";
        return new Row(figure, "median " + BenchTable.num(median(sorted)) + " ms, range " + BenchTable.num(sorted.get(0)) + "–"
                + BenchTable.num(sorted.get(sorted.size() - 1)) + " ms; " + note, "≤ " + BenchTable.num(target) + " ms", met);
    }

    private static List<Long> sorted(List<ColdStart> runs, ToLongFunction<ColdStart> figure) {
        return runs.stream().map(figure::applyAsLong).sorted().toList();
    }

    private static long median(List<Long> sorted) {
        return sorted.get(sorted.size() / 2);
    }

    /** Where a child finds its second event, and how to make its case (once the first is answered). */
    private record WarmEvent(Path file, Callable<ColdStartCases.Case> make) {
    }

    /**
     * One child on {@code event}, its answer checked by {@code verify}; then, once that answer is out, on the warm
     * event's case, written to its file, its answer checked by its own verify. With a {@code classLog}, the child
     * logs there the classes it loads, and fails if it loaded any of {@link #MUST_NOT_LOAD}.
     */
    private static ColdStart launch(Path java, List<String> jvmOptions, String classpath, String handler, Path event,
                                    WarmEvent warmEvent, Map<String, String> env, Path output, Predicate<String> verify,
                                    Path classLog) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        if (classLog != null) {
            command.add("-Xlog:class+load=info:file=" + classLog + "::filecount=0");
        }
        // more options for the child JVMs, to look into a cold start (say -Xlog:class+load:file=cl-%p.log:uptime)
        command.addAll(Arrays.stream(System.getProperty("lapse.bench.child-options", "").split(" ")).filter(o -> !o.isBlank()).toList());
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName(), handler, event.toString(), warmEvent.file().toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        builder.redirectOutput(output.toFile());
        long launchedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (process.isAlive() && ColdStartProbe.response(Files.readString(output, StandardCharsets.UTF_8)) == null
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        ColdStartCases.Case warm = warmEvent.make().call();
        Path written = Files.writeString(warmEvent.file().resolveSibling(warmEvent.file().getFileName() + ".part"), warm.eventJson());
        Files.move(written, warmEvent.file(), StandardCopyOption.ATOMIC_MOVE);
        boolean exited = process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        long wall = (System.nanoTime() - t0) / 1_000_000;
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
            return ColdStart.failed(wall, "no exit within 60 s; output: " + tail(text));
        }
        Map<String, Long> timings = ColdStartProbe.timings(text);
        String response = ColdStartProbe.response(text);
        String warmResponse = ColdStartProbe.warmResponse(text);
        if (process.exitValue() != 0 || response == null || !timings.containsKey("handledEpochMs") || warmResponse == null) {
            return ColdStart.failed(wall, "exit code " + process.exitValue() + "; output: " + tail(text));
        }
        String notJson = ColdStartProbe.notJson(text);
        if (notJson != null) {
            return ColdStart.failed(wall, "a line of its output is not JSON (Lambda's JSON log format expects one"
                    + " object per line): " + tail(notJson));
        }
        if (classLog != null) {
            String loaded = Files.readString(classLog, StandardCharsets.UTF_8);
            for (String name : MUST_NOT_LOAD) {
                if (loaded.contains(" " + name + " ")) {
                    return ColdStart.failed(wall, "it loaded " + name + " (" + loaded.lines().count() + " classes in all)");
                }
            }
        }
        long handled = timings.get("handledEpochMs");
        return new ColdStart(wall, handled - launchedAt, handled - timings.get("jvmStartEpochMs"), handled - timings.get("mainEpochMs"),
                timings.get("initMs"), timings.get("handleMs"), timings.getOrDefault("warmMs", -1L),
                verify.test(response) && warm.verify().test(warmResponse), null);
    }

    private static String tail(String text) {
        String t = text.strip().replace('\n', ' ').replace('|', '/');
        return t.length() > 400 ? "…" + t.substring(t.length() - 400) : t;
    }

    private static String codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
