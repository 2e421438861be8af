package dev.lapse.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The core scenarios with DynamoDB Local's own TTL deletion (its sweeper, its service identity on
 * the REMOVE record) and the precise path off, so every job runs because TTL deleted it.
 */
class RealTtlSchedulerIT extends SchedulerScenarios {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(false, Map.of("PreciseDelivery", "disabled"));
    }

    @Test
    void withoutTheDueJobsQueueTheSweepHasNothingToDoAndSaysSo() {
        assertThat(steps.invoke("SweepDueJobsFunction", "{}").asText()).isEqualTo("no due-jobs queue (PreciseDelivery disabled)");
    }
}
