package dev.lapse.scenarios;

import java.util.Map;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The core scenarios on LocalStack (Docker): the template deployed with the SDK, the real function
 * jars in LocalStack's Lambda, every job run because LocalStack's TTL sweep deleted it (precise
 * path off, as in {@link RealTtlSchedulerIT}). Skipped, with the reason, where Docker is not
 * available; the same scenarios always run on the local runtime. See "Testing against LocalStack" in README.md.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackSchedulerIT extends SchedulerScenarios {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalStackEnvironment(Map.of("PreciseDelivery", "disabled"));
    }
}
