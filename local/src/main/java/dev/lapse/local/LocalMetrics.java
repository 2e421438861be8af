package dev.lapse.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The functions' metrics as the local runtime keeps them: it reads the embedded-metric-format lines they write (the
 * lines CloudWatch would turn into metrics on AWS) and sums them, so {@code GET /metrics} shows the same names and
 * values. Lateness keeps its last {@value #KEPT} values for percentiles.
 */
final class LocalMetrics {
    static final int KEPT = 10_000;

    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, Long> runsByTrigger = new TreeMap<>();
    private final ArrayDeque<Long> lateness = new ArrayDeque<>();
    private long lines;

    /** One EMF line, as a function wrote it (JSON). A JSON line that is not EMF is counted and otherwise ignored. */
    synchronized void record(String line) {
        JsonNode emf = Json.read(line);
        lines++;
        for (JsonNode directive : emf.path("_aws").path("CloudWatchMetrics")) {
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                JsonNode value = emf.path(name);
                if (name.equals(dev.lapse.observe.EmfMetrics.LATENESS)) {
                    lateness.addLast(value.asLong());
                    if (lateness.size() > KEPT) {
                        lateness.removeFirst();
                    }
                    continue;
                }
                counts.merge(name, value.asLong(), Long::sum);
                if (name.equals(dev.lapse.observe.EmfMetrics.JOBS_RUN) && emf.hasNonNull("Trigger")) {
                    runsByTrigger.merge(emf.get("Trigger").asText(), value.asLong(), Long::sum);
                }
            }
        }
    }

    /** {@code GET /metrics}: counts by metric name, runs by trigger, and lateness percentiles in milliseconds. */
    synchronized ObjectNode snapshot() {
        ObjectNode answer = Json.object().put("namespace", dev.lapse.observe.EmfMetrics.NAMESPACE).put("lines", lines);
        ObjectNode countNode = answer.putObject("counts");
        counts.forEach(countNode::put);
        ObjectNode triggers = answer.putObject("jobsRunByTrigger");
        runsByTrigger.forEach(triggers::put);
        List<Long> sorted = new ArrayList<>(lateness);
        Collections.sort(sorted);
        ObjectNode late = answer.putObject("latenessMs").put("count", sorted.size());
        if (!sorted.isEmpty()) {
            late.put("p50", percentile(sorted, 50)).put("p99", percentile(sorted, 99)).put("max", sorted.get(sorted.size() - 1));
        }
        return answer;
    }

    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
