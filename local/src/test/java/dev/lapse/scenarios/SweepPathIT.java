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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sweep path: PreciseHorizonSeconds at its minimum (90 s) and TTL deletion off, so a job scheduled beyond the
 * horizon can only run because the every-minute sweep of the due-time index handed it to the due-jobs queue. After
 * the hand-over, one job is cancelled, one moved nearer, and one moved beyond the horizon again: that one goes back
 * into the index and a later sweep hands it over a second time ({@link RandomizedJobsIT} moves jobs across the
 * horizon at random, but never from beyond it to beyond it again, which would double its length).
 */
class SweepPathIT extends ScenarioSuite {
    static final int HORIZON = 90;

    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(RuntimeOptions.defaults(LocalRuntimeEnvironment.root()).withoutTtl()
                .withParameters(Map.of("PreciseHorizonSeconds", Integer.toString(HORIZON))));
    }

    @Test
    void jobsBeyondTheHorizonRunViaTheSweepOnTimeOnceAndCancelsAndReschedulesAfterHandOverAreHonoured() {
        Instant start = Instant.now();
        List<String> jobs = new ArrayList<>();
        List<Instant> dues = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String jobId = unique("far-" + i);
            Instant due = start.plusSeconds(HORIZON + 5 + 3L * i);
            steps.schedule(jobId, "invoice.remind", due, Json.object());
            jobs.add(jobId);
            dues.add(due);
        }
        String cancelled = unique("far-cancelled");
        String moved = unique("far-moved");
        String movedFar = unique("far-moved-far");
        Instant movedFrom = start.plusSeconds(HORIZON + 10);
        steps.schedule(cancelled, "invoice.remind", start.plusSeconds(HORIZON + 10), Json.object());
        steps.schedule(moved, "invoice.remind", movedFrom, Json.object());
        steps.schedule(movedFar, "invoice.remind", movedFrom, Json.object());
        await("all stored in the due-time index", Duration.ofSeconds(10), () -> jobs.stream().allMatch(j -> bucket(j) != null)
                && bucket(cancelled) != null && bucket(moved) != null && bucket(movedFar) != null);

        await("the sweep handed them over", Duration.ofSeconds(75), () -> handed(cancelled) && handed(moved) && handed(movedFar));
        assertThat(Instant.now()).as("handed over before they were due").isBefore(movedFrom);
        steps.put("Cancel Job", Json.object().put("jobId", cancelled));
        Instant movedTo = movedFrom.plusSeconds(15);
        steps.put("Reschedule Job", Json.object().put("jobId", moved).put("dueAt", movedTo.toString()));
        Instant movedFarTo = Instant.now().plusSeconds(HORIZON + 20).truncatedTo(ChronoUnit.SECONDS);
        steps.put("Reschedule Job", Json.object().put("jobId", movedFar).put("dueAt", movedFarTo.toString()));
        await("cancel and reschedules applied", Duration.ofSeconds(10), () -> steps.job(cancelled).isEmpty()
                && steps.job(moved).map(i -> i.get("dueAt").s().equals(movedTo.toString())).orElse(false)
                && steps.job(movedFar).map(i -> i.get("dueAt").s().equals(movedFarTo.toString())).orElse(false));
        assertThat(bucket(movedFar)).as("moved beyond the horizon after its hand-over: back in the due-time index").isNotNull();
        assertThat(steps.job(movedFar).orElseThrow()).as("its hand-over mark is cleared").doesNotContainKey("handedAt");

        await("every job ran", Duration.ofSeconds(HORIZON + 60), () -> jobs.stream().allMatch(j -> !steps.jobDue(j).isEmpty())
                && !steps.jobDue(moved).isEmpty());
        await("a later sweep handed the job moved beyond the horizon over again", Duration.ofSeconds(90),
                () -> handed(movedFar) || !steps.jobDue(movedFar).isEmpty());
        await("the job moved beyond the horizon ran", Duration.ofSeconds(HORIZON + 30), () -> !steps.jobDue(movedFar).isEmpty());
        Scenarios.sleep(2_000);
        for (int i = 0; i < jobs.size(); i++) {
            assertRanOnceOnTimeViaTheQueue(jobs.get(i), dues.get(i));
        }
        assertRanOnceOnTimeViaTheQueue(moved, movedTo);
        assertRanOnceOnTimeViaTheQueue(movedFar, movedFarTo);
        assertThat(steps.jobDue(cancelled)).as("cancelled after hand-over").isEmpty();
    }

    private void assertRanOnceOnTimeViaTheQueue(String jobId, Instant due) {
        List<JsonNode> ran = steps.jobDue(jobId);
        assertThat(ran).as(jobId + " ran once").hasSize(1);
        JsonNode detail = ran.get(0).path("detail");
        assertThat(detail.path("trigger").asText()).as(jobId + " trigger").isEqualTo("due-jobs-queue");
        Instant firedAt = Instant.parse(detail.path("firedAt").asText());
        assertThat(firedAt).as(jobId + " never early").isAfterOrEqualTo(due);
        assertThat(Duration.between(due, firedAt)).as(jobId + " lateness").isLessThan(Duration.ofSeconds(5));
    }

    private String bucket(String jobId) {
        return steps.job(jobId).map(item -> item.get("dueBucket")).map(AttributeValue::s).orElse(null);
    }

    private boolean handed(String jobId) {
        return steps.job(jobId).map(item -> !item.containsKey("dueBucket") && item.containsKey("handedAt")).orElse(false);
    }
}
