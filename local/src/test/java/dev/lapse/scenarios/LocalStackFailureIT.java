package dev.lapse.scenarios;

import java.util.Map;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The failure scenarios on LocalStack (Docker). Those that inject failures into PutEvents need the
 * local runtime and are skipped here with that reason ({@link LapseEnvironment#faults()}); the
 * others (a crash before the checkpoint, an expired lease, an unreadable record) run as they do in
 * {@link LocalRuntimeFailureIT}, which always runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackFailureIT extends FailureScenarios {
    @Override
    protected LapseEnvironment createEnvironment() {
        return new LocalStackEnvironment(Map.of("PreciseDelivery", "disabled"));
    }
}
