package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.local.LocalRuntime;
import dev.lapse.local.RuntimeOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sweep path as deployed: PreciseHorizonSeconds at the template's minimum (90 s), the sweep every minute, and TTL
 * deletion off, so a job scheduled beyond the horizon can only run because the sweep of the due-time index handed it
 * to the due-jobs queue. After the hand-over, one job is cancelled and one moved 4 s later, whose old message takes
 * nothing. {@link HandOverAgainIT} moves one beyond the horizon again after its hand-over, with the sweep every few
 * seconds (here it would take about another minute); {@link RandomizedJobsIT} moves thousands across the horizon, with the same fast sweep.
 */
class SweepPathIT extends ScenarioSuite {
    static final int HORIZON = 90;

    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(RuntimeOptions.defaults(LocalRuntimeEnvironment.root()).withoutTtl()
                .withParameters(Map.of("PreciseHorizonSeconds", Integer.toString(HORIZON))));
    }

    @Test
    void jobsBeyondTheHorizonRunViaTheEveryMinuteSweepOnTimeOnceAndACancelAndARescheduleAfterHandOverAreHonoured() {
        Instant start = Instant.now();
        List<String> jobs = new ArrayList<>();
        List<Instant> dues = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String jobId = unique("far-" + i);
            // 6 s and more beyond the horizon: room for a slow first call of a runtime that has just started
            Instant due = start.plusSeconds(HORIZON + 6 + 2L * i);
            steps.schedule(jobId, "invoice.remind", due, Json.object());
            jobs.add(jobId);
            dues.add(due);
        }
        String cancelled = unique("far-cancelled");
        String moved = unique("far-moved");
        Instant movedFrom = start.plusSeconds(HORIZON + 10);
        steps.schedule(cancelled, "invoice.remind", movedFrom, Json.object());
        steps.schedule(moved, "invoice.remind", movedFrom, Json.object());
        await("all stored in the due-time index", Duration.ofSeconds(10), () -> jobs.stream().allMatch(j -> bucket(steps, j) != null)
                && bucket(steps, cancelled) != null && bucket(steps, moved) != null);

        await("the sweep handed them over", Duration.ofSeconds(75), () -> handed(steps, cancelled) && handed(steps, moved));
        assertThat(Instant.now()).as("handed over before they were due").isBefore(movedFrom);
        steps.put("Cancel Job", Json.object().put("jobId", cancelled));
        Instant movedTo = movedFrom.plusSeconds(4); // later: the old message arrives first, and must find nothing to take
        steps.put("Reschedule Job", Json.object().put("jobId", moved).put("dueAt", movedTo.toString()));
        await("cancel and reschedules applied", Duration.ofSeconds(10), () -> steps.job(cancelled).isEmpty()
                && steps.job(moved).map(i -> i.get("dueAt").s().equals(movedTo.toString())).orElse(false));

        await("every job ran", Duration.ofSeconds(HORIZON + 60), () -> jobs.stream().allMatch(j -> !steps.jobDue(j).isEmpty())
                && !steps.jobDue(moved).isEmpty());
        Scenarios.sleep(2_000);
        for (int i = 0; i < jobs.size(); i++) {
            assertRanOnceOnTimeViaTheQueue(steps, jobs.get(i), dues.get(i));
        }
        assertRanOnceOnTimeViaTheQueue(steps, moved, movedTo);
        assertThat(steps.jobDue(cancelled)).as("cancelled after hand-over").isEmpty();
    }

    static void assertRanOnceOnTimeViaTheQueue(Scenarios steps, String jobId, Instant due) {
        List<JsonNode> ran = steps.jobDue(jobId);
        assertThat(ran).as(jobId + " ran once").hasSize(1);
        JsonNode detail = ran.get(0).path("detail");
        assertThat(detail.path("trigger").asText()).as(jobId + " trigger").isEqualTo("due-jobs-queue");
        Instant firedAt = Instant.parse(detail.path("firedAt").asText());
        assertThat(firedAt).as(jobId + " never early").isAfterOrEqualTo(due);
        assertThat(Duration.between(due, firedAt)).as(jobId + " lateness").isLessThan(Duration.ofSeconds(5));
    }

    /** The job's due-time index bucket, or null when it is not in the index (or gone). */
    static String bucket(Scenarios steps, String jobId) {
        return steps.job(jobId).map(item -> item.get("dueBucket")).map(AttributeValue::s).orElse(null);
    }

    /** Handed to the due-jobs queue by a sweep: out of the index, with its hand-over mark. */
    static boolean handed(Scenarios steps, String jobId) {
        return steps.job(jobId).map(item -> !item.containsKey("dueBucket") && item.containsKey("handedAt")).orElse(false);
    }
}
