package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** The bench's output on stdout: one Markdown table of figures, then the machine and how the run was made. */
final class BenchTable {
    /** One line of the table. */
    record Row(String figure, String result, String target, String met) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    void addAll(List<Row> more) {
        rows.addAll(more);
    }

    void print(PrintStream out, Instant at, Duration took, double loadAtStart) {
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
                + " " + System.getProperty("os.arch") + "; load average " + String.format(Locale.ROOT, "%.2f", loadAtStart) + " at start, "
                + String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                + " at end (other processes may share the machine).");
        out.println("Run " + at.truncatedTo(ChronoUnit.SECONDS) + " in " + took.toSeconds() + " s, all on this machine in one JVM"
                + " (cold starts: child JVMs of the same java with the template's environment, JAVA_TOOL_OPTIONS included)."
                + " Throughput after warm-up calls (" + WriteThroughput.WARMUP + " raw + " + WriteThroughput.WARMUP + " handler writes, "
                + RunThroughput.WARMUP + " runs), raw and handler writes in " + WriteThroughput.ROUNDS + " alternating rounds; logs at WARN.");
    }

    /** Lateness in ms of the runs seen (firedAt − {@code from}), with how many were early and by which trigger they ran. */
    record Lateness(List<Long> sorted, int early, Map<String, Integer> triggers) {
        static Lateness of(java.util.Collection<JsonNode> details, String from) {
            List<Long> late = new java.util.ArrayList<>();
            Map<String, Integer> triggers = new java.util.TreeMap<>();
            int early = 0;
            for (JsonNode d : details) {
                long ms = java.time.Duration.between(java.time.Instant.parse(d.path(from).asText()),
                        java.time.Instant.parse(d.path("firedAt").asText())).toMillis();
                early += ms < 0 ? 1 : 0;
                late.add(ms);
                triggers.merge(d.path("trigger").asText(), 1, Integer::sum);
            }
            late.sort(java.util.Comparator.naturalOrder());
            return new Lateness(late, early, triggers);
        }

        boolean none() {
            return sorted.isEmpty();
        }

        long p50() {
            return none() ? -1 : percentile(sorted, 0.50);
        }

        long p99() {
            return none() ? -1 : percentile(sorted, 0.99);
        }

        long max() {
            return none() ? -1 : sorted.get(sorted.size() - 1);
        }

        /** "p50 … ms · p99 … ms · max … ms". */
        String percentiles() {
            return "p50 " + num(p50()) + " ms · p99 " + num(p99()) + " ms · max " + num(max()) + " ms";
        }
    }

    /** The {@code q} quantile of ascending {@code sorted} values (nearest rank). */
    static long percentile(List<Long> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A ratio as the table prints it: {@code 1.07×}. */
    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    static String met(boolean ok) {
        return ok ? "yes" : "**no**";
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
