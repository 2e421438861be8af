package dev.lapse.scenarios;

import static dev.lapse.scenarios.Scenarios.await;
import static dev.lapse.scenarios.Scenarios.unique;
import static dev.lapse.scenarios.SweepPathIT.assertRanOnceOnTimeViaTheQueue;
import static dev.lapse.scenarios.SweepPathIT.bucket;
import static dev.lapse.scenarios.SweepPathIT.handed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.json.Json;
import dev.lapse.local.RuntimeOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job moved beyond the horizon again after the sweep handed it over goes back into the due-time index, loses its
 * hand-over mark, and a later sweep hands it over a second time: it runs once, at its new time, via the queue (TTL
 * deletion is off). With the sweep every {@link #SWEEP_EVERY} and the horizon at the lowest that allows
 * ({@link RuntimeOptions#withSweepEvery}), so this takes about a minute; {@link SweepPathIT} runs the sweep as deployed.
 */
class HandOverAgainIT extends ScenarioSuite {
    static final Duration SWEEP_EVERY = Duration.ofSeconds(5);
    static final int HORIZON = 35;

    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(RuntimeOptions.defaults(LocalRuntimeEnvironment.root()).withoutTtl().withSweepEvery(SWEEP_EVERY)
                .withParameters(Map.of("PreciseHorizonSeconds", Integer.toString(HORIZON))));
    }

    @Test
    void aJobMovedBeyondTheHorizonAfterItsHandOverIsHandedOverAgainAndRunsOnceAtItsNewTime() {
        String jobId = unique("far-moved-far");
        Instant movedFrom = Instant.now().plusSeconds(HORIZON + 10).truncatedTo(ChronoUnit.SECONDS);
        steps.schedule(jobId, "invoice.remind", movedFrom, Json.object());
        // under 10 s: a job written later than that would be within the horizon, and go to the queue at once
        await("stored in the due-time index", Duration.ofSeconds(9), () -> bucket(steps, jobId) != null);
        await("the sweep handed it over", Duration.ofSeconds(HORIZON), () -> handed(steps, jobId));
        assertThat(Instant.now()).as("handed over before it was due").isBefore(movedFrom);

        Instant movedTo = Instant.now().plusSeconds(HORIZON + 10).truncatedTo(ChronoUnit.SECONDS);
        steps.put("Reschedule Job", Json.object().put("jobId", jobId).put("dueAt", movedTo.toString()));
        await("the reschedule applied", Duration.ofSeconds(5),
                () -> steps.job(jobId).map(i -> i.get("dueAt").s().equals(movedTo.toString())).orElse(false));
        assertThat(bucket(steps, jobId)).as("moved beyond the horizon after its hand-over: back in the due-time index").isNotNull();
        assertThat(steps.job(jobId).orElseThrow()).as("its hand-over mark is cleared").doesNotContainKey("handedAt");

        await("a later sweep handed it over again", Duration.ofSeconds(HORIZON), () -> handed(steps, jobId));
        await("it ran", Duration.ofSeconds(HORIZON + 20), () -> !steps.jobDue(jobId).isEmpty());
        Scenarios.sleep(2_000);
        // once, never before movedTo: so not at the time it was moved away from either
        assertRanOnceOnTimeViaTheQueue(steps, jobId, movedTo);
    }
}
