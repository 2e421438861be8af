package dev.lapse.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.observe.LapseLogging;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * {@code ./lapse bench}: measures, in one run on this machine, what the local runtime and the
 * function jars cost — runtime ready time ({@link ReadyTime}), raw DynamoDB Local writes against
 * scheduling through the handler ({@link WriteThroughput}), running throughput ({@link RunThroughput}),
 * lateness of jobs due in the same second ({@link BurstLateness}), each function's cold start in a
 * fresh JVM ({@link ColdStarts}), and the functions' jar size ({@link JarSizes}) — and prints one
 * Markdown table on stdout ({@link BenchTable}; progress and logs go to stderr).
 *
 * <p>Sizes can be changed with system properties: {@code lapse.bench.threads} (4),
 * {@code lapse.bench.items} (2000), {@code lapse.bench.runs} (1000), {@code lapse.bench.lateness-jobs}
 * (200), {@code lapse.bench.bursts} (1000,10000: the bursts on the precise path), {@code lapse.bench.cold-starts} (5 fresh JVMs per function); {@code lapse.bench.only} limits the run to
 * some of {@code throughput,cold-starts,lateness,far-ahead,recurring,jars,cost} (the ready time is always measured; cost: {@link CostModel}).
 */
final class Bench {
    /** Which parts to measure besides the ready time: throughput, cold-starts, lateness, far-ahead, recurring, jars, cost (all by default). */
    private static final List<String> ONLY = List.of(System.getProperty("lapse.bench.only", "throughput,cold-starts,lateness,far-ahead,recurring,jars,cost").split(","));

    private Bench() {
    }

    static int run(Path root) {
        // The handlers log every job at INFO; at thousands of jobs that would measure the terminal.
        LapseLogging.useLevel(Level.valueOf(System.getProperty("lapse.bench.log-level", "warn").toUpperCase(java.util.Locale.ROOT)));
        System.setProperty("DDB_LOCAL_TELEMETRY", "0");
        PrintStream stdout = System.out;
        System.setOut(System.err); // DynamoDB Local and ElasticMQ print banners: keep stdout for the table
        long started = System.nanoTime();
        Instant at = Instant.now();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        BenchTable table = new BenchTable();
        ObjectNode[] metrics = new ObjectNode[1];
        try {
            metrics[0] = measure(root, table);
        } catch (Exception e) {
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            return 1;
        } finally {
            System.setOut(stdout);
        }
        table.print(stdout, at, Duration.ofNanos(System.nanoTime() - started), load);
        if (metrics[0] != null) {
            stdout.println();
            stdout.println("Metrics of the first runtime (throughput and cold starts), as its GET /metrics answered at the end:");
            stdout.println(Json.write(metrics[0]));
        }
        return 0;
    }

    /** Measures into {@code table}; returns the metrics of the first runtime ({@code GET /metrics}) as it closed. */
    private static ObjectNode measure(Path root, BenchTable table) throws Exception {
        List<FunctionJar> functions;
        ObjectNode metrics;
        step("starting the local runtime (template.yaml, free ports, DynamoDB Local TTL)");
        long t0 = System.nanoTime();
        AwsCalls calls = AwsCalls.countingOnly(); // the functions' calls, for the run throughput's calls per job
        try (LocalRuntime runtime = LocalRuntime.start(RuntimeOptions.defaults(root).withSchedules(false), calls)) {
            table.add(ReadyTime.row(runtime, System.nanoTime() - t0));
            BenchJobs seen = new BenchJobs();
            runtime.bus().observe(seen::record);
            functions = FunctionJar.of(root, runtime.template());

            if (ONLY.contains("throughput")) {
                step(WriteThroughput.describe());
                WriteThroughput.Measured writes = WriteThroughput.measure(runtime);
                table.addAll(writes.rows());
                step(RunThroughput.describe());
                table.add(RunThroughput.measure(runtime, seen, writes.rawRate(), calls));
            }
            if (ONLY.contains("cold-starts")) {
                table.addAll(ColdStarts.measure(root, runtime, seen, functions));
            }
            metrics = runtime.metrics();
        }
        if (ONLY.contains("lateness")) {
            table.add(BurstLateness.measure(root, "precise path on + fast TTL (default parameters)", Map.of()));
            for (int jobs : BurstLateness.BURSTS) {
                table.add(BurstLateness.measure(root, "burst on the precise path + fast TTL (default parameters)", Map.of(), jobs,
                        BurstLateness.BURST_WARM_UP));
            }
            table.add(BurstLateness.measure(root, "pure TTL path: PreciseDelivery=disabled + fast TTL", Map.of("PreciseDelivery", "disabled")));
        }
        if (ONLY.contains("far-ahead")) {
            step(FarAheadPrecision.describe());
            table.add(FarAheadPrecision.measure(root));
        }
        if (ONLY.contains("recurring")) {
            step(RecurringPrecision.describe());
            table.add(RecurringPrecision.measure(root));
        }
        if (ONLY.contains("cost")) {
            table.addAll(CostModel.measure(root));
        }
        if (ONLY.contains("jars")) {
            table.addAll(JarSizes.measure(root, functions));
        }
        return metrics;
    }

    /** A progress line on stderr. */
    static void step(String what) {
        System.err.println("bench: " + what);
    }
}
