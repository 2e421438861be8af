package dev.lapse.scenarios;

import java.util.Map;

/**
 * The core scenarios with DynamoDB Local's own TTL deletion (its sweeper, its service identity on
 * the REMOVE record) and the precise path off, so every job runs because TTL deleted it.
 */
class RealTtlSchedulerIT extends SchedulerScenarios {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(false, Map.of("PreciseDelivery", "disabled"));
    }

}
