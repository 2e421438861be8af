package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./lapse bench} as a user runs it: {@link BenchMain} in a JVM of its own. */
class BenchMainIT {

    @Test
    void benchSaysItIgnoresTheRuntimeOptions() throws Exception {
        Process process = new ProcessBuilder(java("bench", "--api-port", "3999", "--fast-ttl"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (var err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String first = err.readLine();
            assertThat(first).isEqualTo("lapse: bench ignores --api-port, --fast-ttl: it starts its own runtimes, on free ports"
                    + " of 127.0.0.1, with the settings each measurement needs");
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anotherCommandGoesOnToTheRuntimesMain() throws Exception {
        Path err = Files.createTempFile("lapse-err", ".txt");
        try {
            Process process = new ProcessBuilder(java("--api-port")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile()).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(2);
            assertThat(Files.readAllLines(err)).singleElement().asString().startsWith("lapse: --api-port needs a value");
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static List<String> java(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlapse.root=" + System.getProperty("lapse.root", ".."), "-cp", System.getProperty("java.class.path"),
                BenchMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
