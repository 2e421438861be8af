package dev.lapse.local;

import dev.lapse.local.BenchTable.Row;
import dev.lapse.run.Waiter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Each function's cold start: its deployable jar, unpacked as Lambda unpacks it ({@link TaskRoot}), run in a fresh JVM
 * ({@link ColdStartProbe}) on its sample event ({@link ColdStartCases}) against a local runtime, {@code lapse.bench.cold-starts}
 * times (5); rows for the first event after init and for JVM start to the event handled. Before the timed children, one
 * untimed child per function, then a wait for the bench JVM (which hosts the stores the children call) to be quiet: in
 * Lambda a cold start has its CPU to itself, here it shares two cores with that JVM, whose JIT compilers are busy for a
 * minute or more after it starts. What that JVM used while the timed children ran is printed in a row of its own.
 */
final class ColdStarts {
    private static final int COLD_STARTS = Integer.getInteger("lapse.bench.cold-starts", 5);
    private static final long FIRST_EVENT_TARGET_MS = 150;
    private static final long JVM_TO_HANDLED_TARGET_MS = 1_000;
    /** The run number of each child's second, warm event's case: apart from the first events' (0 .. cold starts). */
    static final int WARM_RUN = 1_000;
    /** The run number of the untimed child each function gets before the timed ones (its warm event: this + {@link #WARM_RUN}). */
    static final int UNTIMED_RUN = 2_000;
    /** Off: no untimed children and no waiting for the bench JVM to be quiet (to compare with the runs before 2026-12-07 20:45 UTC). */
    private static final boolean SETTLE = !"off".equals(System.getProperty("lapse.bench.cold-starts.settle"));

    /** How much the bench JVM may use, in cores, for the timed children to start (its pollers alone use about 0.1). */
    private static final double QUIET_CORES = 0.15;
    private static final Duration SETTLE_AT_MOST = Duration.ofSeconds(90);

    /**
     * Classes a function must not load, in its init or on its events: the SDK's metadata of every AWS service, about 400 classes built by this
     * provider's static initializer (what building a client did up to SDK 2.5x; aws/aws-sdk-java-v2#7161).
     */
    static final List<String> MUST_NOT_LOAD = List.of("software.amazon.awssdk.regions.GeneratedServiceMetadataProvider");

    /** One fresh-JVM invocation: the parent's wall clock and the child's own timings. */
    record ColdStart(long wallMs, long launchToHandledMs, long jvmToHandledMs, long mainToHandledMs, long initMs,
                     long handleMs, long warmMs, boolean verified, String problem) {
        static ColdStart failed(long wallMs, String problem) {
            return new ColdStart(wallMs, 0, 0, 0, 0, 0, -1, false, problem);
        }
    }

    private ColdStarts() {
    }

    static List<Row> measure(Path root, LocalRuntime runtime, BenchJobs seen, List<FunctionJar> functions) throws Exception {
        Runs children = run(new ColdStartCases(root, runtime, seen), runtime, functions, COLD_STARTS, false);
        Map<String, List<ColdStart>> results = children.byFunction();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Cold starts: the bench JVM's own CPU (the local runtime the children call, and its JIT compilers)",
                children.surroundings(), "—", "—"));
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
            Map<String, List<ColdStart>> results = run(new ColdStartCases(root, runtime, seen), runtime, functions, runs, true).byFunction();
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

    /** The children's results by function, and what the bench JVM itself did around them. */
    private record Runs(Map<String, List<ColdStart>> byFunction, String surroundings) {
    }

    /**
     * With {@code checkClasses}, each child logs the classes it loads, and one that loads any of {@link #MUST_NOT_LOAD} fails.
     * Timed (without it): first one untimed child per function (the local runtime's first calls of each kind, which its
     * JIT then compiles), then a wait until the bench JVM is quiet ({@link BenchCpu#settle}), and its CPU use while the
     * timed children run is reported beside them.
     */
    private static Runs run(ColdStartCases cases, LocalRuntime runtime, List<FunctionJar> functions, int count,
                            boolean checkClasses) throws Exception {
        Path dir = Files.createTempDirectory("lapse-bench");
        try {
            ColdStartChild child = new ColdStartChild(cases, runtime, dir, checkClasses);
            List<FunctionJar> present = functions.stream().filter(f -> Files.isRegularFile(f.jar())).toList();
            BenchCpu cpu = BenchCpu.ofThisJvm();
            String before = "";
            if (!checkClasses && SETTLE) {
                for (FunctionJar f : present) {
                    Bench.step("cold start, untimed: " + f.logicalId());
                    ColdStart untimed = child.launch(f, UNTIMED_RUN);
                    if (untimed != null && (untimed.problem() != null || !untimed.verified())) {
                        // not a figure, but its timed siblings will likely fail the same way: say so here first
                        Bench.step("  the untimed child failed: " + (untimed.problem() != null ? untimed.problem() : "its effect was not seen"));
                    }
                }
                BenchCpu.Settled settled = cpu.settle(QUIET_CORES, Duration.ofSeconds(1), SETTLE_AT_MOST, Waiter.SLEEP);
                before = "after one untimed child per function, waited " + settled.waited().toSeconds() + " s for it to use ≤ " + QUIET_CORES
                        + " of a core over 2 s in a row (" + (settled.quiet() ? "reached" : "not reached, the last second " + share(settled.lastShare())) + "); ";
            }
            BenchCpu.Span timed = cpu.span();
            Map<String, List<ColdStart>> results = new LinkedHashMap<>();
            for (int run = 0; run < count; run++) {
                for (FunctionJar f : present) {
                    Bench.step("cold start " + (run + 1) + "/" + count + ": " + f.logicalId() + " in a fresh JVM");
                    ColdStart done = child.launch(f, run);
                    if (done != null) {
                        results.computeIfAbsent(f.logicalId(), k -> new ArrayList<>()).add(done);
                    }
                }
            }
            return new Runs(results, before + "while the timed children ran (" + timed.elapsed().toSeconds() + " s) it used " + share(timed.share()));
        } finally {
            TaskRoot.delete(dir);
        }
    }

    private static String share(double cores) {
        return String.format(java.util.Locale.ROOT, "%.2f of a core", cores);
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
}
