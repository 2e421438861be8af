package dev.lapse.scenarios;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A suite of scenarios sharing one environment, started before its first test and closed after its last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ScenarioSuite {
    protected LapseEnvironment env;
    protected Scenarios steps;

    protected abstract LapseEnvironment createEnvironment();

    @BeforeAll
    void startEnvironment() {
        env = createEnvironment();
        steps = new Scenarios(env);
    }

    @AfterAll
    void stopEnvironment() {
        if (env != null) {
            env.close();
        }
    }
}
