package dev.lapse.scenarios;

import java.util.Map;

/** The core scenarios on the local runtime, fast TTL, precise path on (the development setup). */
class LocalRuntimeSchedulerIT extends SchedulerScenarios {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalRuntimeEnvironment(true, Map.of());
    }
}
