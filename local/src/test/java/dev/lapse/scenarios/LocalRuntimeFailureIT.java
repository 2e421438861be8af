package dev.lapse.scenarios;

import java.util.Map;

/** Failure scenarios on the local runtime: fast TTL, precise path off, so every run goes through the stream. */
class LocalRuntimeFailureIT extends FailureScenarios {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(true, Map.of("PreciseDelivery", "disabled"));
    }
}
