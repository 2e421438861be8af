package dev.lapse.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import dev.lapse.run.Attempt;
import dev.lapse.run.AttemptObserver;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Lapse's metrics in CloudWatch's embedded metric format: one JSON log line per attempt the runner ends (ran, retry
 * scheduled, dead-lettered, duplicate; a deferred attempt is counted when it comes back) and per job scheduled or
 * request refused, which CloudWatch turns into metrics of namespace {@value #NAMESPACE} (no API call, no extra
 * permission). Dimensions: {@code Service} always, and {@code Trigger} (ttl, due-jobs-queue, schedule) for runs, so
 * lateness can be graphed per path. Job types are not a dimension: their number is the user's, not bounded by Lapse.
 *
 * <p>Written by hand rather than with Powertools metrics: the format is a documented JSON shape, and the library
 * brings aws-embedded-metrics, commons-lang3, javatuples and crac into a function jar already near its 8 MB limit.
 */
public final class EmfMetrics implements AttemptObserver {
    public static final String NAMESPACE = "Lapse";
    public static final String SERVICE = "lapse";
    /** Metric names, as the template's alarms and dashboard use them. */
    public static final String JOBS_RUN = "JobsRun";
    public static final String LATENESS = "LatenessMs";
    public static final String RETRIES = "Retries";
    public static final String DEAD_LETTERED = "DeadLettered";
    public static final String DUPLICATES = "DuplicatesSkipped";
    public static final String SCHEDULED = "JobsScheduled";
    public static final String REJECTED = "JobsRejected";

    private final Clock clock;
    private volatile Consumer<String> sink;

    public EmfMetrics(Clock clock, Consumer<String> sink) {
        this.clock = clock;
        this.sink = sink;
    }

    /** Where the lines go from now on (the local runtime keeps them for {@code GET /metrics}). */
    public void sendTo(Consumer<String> lines) {
        this.sink = lines;
    }

    @Override
    public void observe(Attempt attempt) {
        ObjectNode values = Json.object();
        switch (attempt.outcome()) {
            case RAN -> {
                values.put(JOBS_RUN, 1);
                values.put(LATENESS, Math.max(0, attempt.lateAfterReadyMs())); // a due time already past when scheduled is not Lapse's lateness
            }
            case RETRY_SCHEDULED -> values.put(RETRIES, 1);
            case DEAD_LETTERED -> values.put(DEAD_LETTERED, 1);
            case DUPLICATE -> values.put(DUPLICATES, 1);
            default -> {
                return; // deferred or not yet due: it comes back and is counted then
            }
        }
        emit(values, Map.of("Trigger", attempt.trigger()));
    }

    /** A scheduling request's outcome: a job scheduled ({@code SCHEDULED}; other accepted requests are not counted) or refused. */
    public void request(boolean accepted) {
        emit(Json.object().put(accepted ? SCHEDULED : REJECTED, 1), Map.of());
    }

    private void emit(ObjectNode values, Map<String, String> dimensions) {
        ObjectNode line = Json.object();
        ObjectNode aws = line.putObject("_aws").put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject().put("Namespace", NAMESPACE);
        ArrayNode sets = directive.putArray("Dimensions");
        sets.addArray().add("Service");
        if (!dimensions.isEmpty()) {
            ArrayNode withAll = sets.addArray().add("Service");
            dimensions.keySet().stream().sorted().forEach(withAll::add);
        }
        ArrayNode metrics = directive.putArray("Metrics");
        values.fieldNames().forEachRemaining(name -> metrics.addObject().put("Name", name)
                .put("Unit", name.equals(LATENESS) ? "Milliseconds" : "Count"));
        line.put("Service", SERVICE);
        dimensions.forEach(line::put);
        line.setAll(values);
        try {
            sink.accept(Json.write(line));
        } catch (RuntimeException e) {
            // metrics are best effort: never a reason to fail a run
        }
    }
}
