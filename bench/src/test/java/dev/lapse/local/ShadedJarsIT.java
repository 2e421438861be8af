package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The deployable jar works for every function: the shaded, minimized and ProGuard-shrunk jar, alone on the
 * classpath with the Lambda event serializer, is run in a fresh JVM the way Lambda runs it (no-arg
 * constructor, settings from the environment, priming) with each function's handler on its sample event against a local runtime,
 * and the event's effect is seen (the bench's cold-start probe, once per function). A class that the
 * shrinking dropped but something loads by name fails here, and so does a function that loads the SDK's metadata
 * of every AWS service ({@link ColdStarts#MUST_NOT_LOAD}: about 400 classes, a tenth of a cold start).
 */
class ShadedJarsIT {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();

    @Test
    void everyFunctionJarHandlesItsSampleEventInAFreshJvm() throws Exception {
        assertThat(ColdStarts.shadedJarProblems(ROOT, 1)).as("problems by function").isEmpty();
    }
}
