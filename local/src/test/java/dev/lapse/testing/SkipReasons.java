package dev.lapse.testing;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test class was skipped (for example the LocalStack suites without Docker), as one
 * WARN line on the console, so the reason stays visible while Testcontainers' own "ERROR ... no
 * valid Docker environment" line is silenced (see lapse-logging.properties).
 */
public final class SkipReasons implements TestExecutionListener {
    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (test.isContainer()) {
            System.out.println("[WARNING] Skipped " + test.getDisplayName() + ": " + reason);
        }
    }
}
