package dev.lapse.local;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One cold-start child: a function's deployable jar, unpacked as Lambda unpacks it ({@link TaskRoot}), run in a fresh JVM
 * ({@link ColdStartProbe}) with the options Lambda's Java runtime passes, on the sample event of a run number
 * ({@link ColdStartCases}), against the local runtime; then a second, warm event in the same JVM.
 */
final class ColdStartChild {
    private final ColdStartCases cases;
    private final LocalRuntime runtime;
    private final Path dir;
    private final boolean checkClasses;
    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final String probe;
    private final Map<Path, Path> taskRoots = new LinkedHashMap<>();

    /** With {@code checkClasses}, each child logs the classes it loads, and one that loads any of {@link ColdStarts#MUST_NOT_LOAD} fails. */
    ColdStartChild(ColdStartCases cases, LocalRuntime runtime, Path dir, boolean checkClasses) throws URISyntaxException {
        this.cases = cases;
        this.runtime = runtime;
        this.dir = dir;
        this.checkClasses = checkClasses;
        // the probe uses the local runtime's LocalContext and handler-type lookup, nothing else of it
        this.probe = String.join(File.pathSeparator, codeSource(LambdaEventSerializers.class), codeSource(ColdStartProbe.class),
                codeSource(LocalContext.class));
    }

    /** One child on {@code f}'s case of run number {@code run}; null if the bench has no sample event for it. */
    ColdStarts.ColdStart launch(FunctionJar f, int run) throws Exception {
        ColdStartCases.Case c = cases.forFunction(f.logicalId(), run);
        if (c == null) {
            return null;
        }
        Path event = dir.resolve(f.logicalId() + "-" + run + ".json");
        Files.writeString(event, c.eventJson());
        // the second, warm event: the same kind, its own job (the case of another run number), made once the
        // first is answered, so that its fixtures are not there during the first
        int warmRun = ColdStarts.WARM_RUN + run;
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
        return launch(java, f.lambdaJvmOptions(), classpath, f.handler(), event, warm, env,
                dir.resolve(f.logicalId() + "-" + run + ".out"), c.verify(),
                checkClasses ? dir.resolve(f.logicalId() + "-" + run + ".classes") : null);
    }

    /** Where a child finds its second event, and how to make its case (once the first is answered). */
    private record WarmEvent(Path file, Callable<ColdStartCases.Case> make) {
    }

    /**
     * One child on {@code event}, its answer checked by {@code verify}; then, once that answer is out, on the warm
     * event's case, written to its file, its answer checked by its own verify. With a {@code classLog}, the child
     * logs there the classes it loads, and fails if it loaded any of {@link ColdStarts#MUST_NOT_LOAD}.
     */
    private static ColdStarts.ColdStart launch(Path java, List<String> jvmOptions, String classpath, String handler, Path event,
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
            return ColdStarts.ColdStart.failed(wall, "no exit within 60 s; output: " + tail(text));
        }
        Map<String, Long> timings = ColdStartProbe.timings(text);
        String response = ColdStartProbe.response(text);
        String warmResponse = ColdStartProbe.warmResponse(text);
        if (process.exitValue() != 0 || response == null || !timings.containsKey("handledEpochMs") || warmResponse == null) {
            return ColdStarts.ColdStart.failed(wall, "exit code " + process.exitValue() + "; output: " + tail(text));
        }
        String notJson = ColdStartProbe.notJson(text);
        if (notJson != null) {
            return ColdStarts.ColdStart.failed(wall, "a line of its output is not JSON (Lambda's JSON log format expects one"
                    + " object per line): " + tail(notJson));
        }
        if (classLog != null) {
            String loaded = Files.readString(classLog, StandardCharsets.UTF_8);
            for (String name : ColdStarts.MUST_NOT_LOAD) {
                if (loaded.contains(" " + name + " ")) {
                    return ColdStarts.ColdStart.failed(wall, "it loaded " + name + " (" + loaded.lines().count() + " classes in all)");
                }
            }
        }
        long handled = timings.get("handledEpochMs");
        return new ColdStarts.ColdStart(wall, handled - launchedAt, handled - timings.get("jvmStartEpochMs"), handled - timings.get("mainEpochMs"),
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
