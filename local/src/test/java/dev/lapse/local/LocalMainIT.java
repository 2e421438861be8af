package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./lapse} as a user runs it (its main class in a JVM of its own): a wrong command line or
 * a busy port is one clear line on stderr and a non-zero exit, never a stack trace.
 */
class LocalMainIT {

    private record Outcome(int exit, List<String> out, List<String> err) {
        String all() {
            return String.join("\n", out) + "\n" + String.join("\n", err);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--api-port                       | --api-port needs a value",
            "--api-port abc                   | --api-port \"abc\" is not a port",
            "--sqs-port 70000                 | --sqs-port 70000 is out of range",
            "--dynamodb-port                  | --dynamodb-port needs a value",
            "--frobnicate                     | unknown option \"--frobnicate\"",
            "run --param NoEquals             | --param takes Name=Value",
            "run --log-format xml             | --log-format \"xml\" is not one of: text (readable, the default), json",
            "run --log-format                 | --log-format needs a value: --log-format text|json",
            "run --host 203.0.113.9           | --host 203.0.113.9 is not an address of this machine",
            "run --api-port 4000 --sqs-port 4000 | --sqs-port and --api-port are both 4000",
            "run --sweep-every                | --sweep-every needs a value: --sweep-every SECONDS, from 1 to 60",
            "run --sweep-every 0              | --sweep-every \"0\" is not a number of seconds from 1 to 60",
            "run --sweep-every 61             | --sweep-every \"61\" is not a number of seconds from 1 to 60",
            "run --sweep-every 1.5            | --sweep-every \"1.5\" is not a number of seconds from 1 to 60",
            "run --param PreciseHorizonSeconds=35 | Parameters.PreciseHorizonSeconds: value 35 is out of range; accepted: a number from 90 to 900",
            "run --sweep-every 5 --param PreciseHorizonSeconds=34 | value 34 is out of range; accepted: a number from 35 to 900"})
    void aBadCommandLineIsOneLineAndExitsNonZero(String args, String expected) throws Exception {
        Outcome outcome = lapse(args.trim().split("\\s+"));

        assertThat(outcome.exit()).isNotZero();
        assertThat(outcome.err()).hasSize(1);
        assertThat(outcome.err().get(0)).contains(expected);
        assertNoStackTrace(outcome);
    }

    @ParameterizedTest(name = "{0} busy")
    @ValueSource(strings = {"--api-port", "--dynamodb-port", "--sqs-port"})
    void aBusyPortIsOneLineAndExitsNonZero(String busyOption) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String expected = "port " + busy.getLocalPort() + " (" + busyOption + ")";
            Outcome outcome = null;
            // the other two ports were free when chosen; a runtime of a suite beside this one may take one first
            for (int tryNo = 1; tryNo <= TRIES && (outcome == null || tookAnotherPort(outcome, expected)); tryNo++) {
                List<String> args = new ArrayList<>(List.of("run"));
                for (String option : List.of("--dynamodb-port", "--sqs-port", "--api-port")) {
                    args.add(option);
                    args.add(Integer.toString(option.equals(busyOption) ? busy.getLocalPort() : freePort()));
                }
                outcome = lapse(args.toArray(String[]::new));
            }

            assertThat(outcome.exit()).isNotZero();
            assertThat(outcome.err()).hasSize(1);
            assertThat(outcome.err().get(0)).contains(expected, "in use");
            assertNoStackTrace(outcome);
        }
    }

    /** Whether {@code outcome} failed on a port that was free when chosen, not on the one held busy. */
    private static boolean tookAnotherPort(Outcome outcome, String expected) {
        return outcome.exit() != 0 && outcome.err().size() == 1 && outcome.err().get(0).contains("in use")
                && !outcome.err().get(0).contains(expected);
    }

    @ParameterizedTest(name = "demo {0}")
    @ValueSource(strings = {"--api-port", "--sqs-port"})
    void demoHonoursThePortOptions(String option) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Outcome outcome = lapse("demo", option, Integer.toString(busy.getLocalPort()));

            assertThat(outcome.exit()).isNotZero();
            assertThat(outcome.err()).singleElement().asString().contains("port " + busy.getLocalPort() + " (" + option + ")");
            assertNoStackTrace(outcome);
        }
    }

    @Test
    void benchOutsideItsModuleSaysHowToRunIt() throws Exception {
        Outcome outcome = lapse("bench");

        assertThat(outcome.exit()).isNotZero();
        assertThat(outcome.err()).containsExactly("lapse: bench is not on this classpath: run it as ./lapse bench"
                + " (main class dev.lapse.local.BenchMain)");
        assertNoStackTrace(outcome);
    }

    @Test
    void runStartsAndStopsOnSigtermWithoutAWarning() throws Exception {
        Path out = Files.createTempFile("lapse-run", ".txt");
        Process process = null;
        try {
            // ports free when chosen; a runtime of a suite beside this one may take one first: then again, on others
            for (int tryNo = 1; tryNo <= TRIES && (process == null || portTaken(out)); tryNo++) {
                if (process != null) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
                // with the sweep every 5 s, which allows a horizon down to 35 s
                List<String> args = List.of("run", "--dynamodb-port", Integer.toString(freePort()), "--sqs-port", Integer.toString(freePort()),
                        "--api-port", Integer.toString(freePort()), "--sweep-every", "5", "--param", "PreciseHorizonSeconds=35");
                process = new ProcessBuilder(java(args.toArray(String[]::new))).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.readString(out).contains("Stop with Ctrl-C.") && process.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            assertThat(Files.readString(out)).as("started").contains("Stop with Ctrl-C.")
                    .contains("SweepDueJobsFunction.Sweep rate(1 minute) (UTC), here every 5 s");
            process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook closes the runtime
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s").isTrue();
            List<String> lines = lines(out);
            // DynamoDB Local's SDK warned that JAXB is missing, and ElasticMQ's actor system that it could not add a
            // shutdown hook during shutdown: neither meant anything was wrong
            assertThat(lines).as("the output of ./lapse run from start to stop").noneMatch(l -> l.contains("WARN") || l.contains("ERROR"));
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(out);
        }
    }

    /**
     * How many times a test that needs ports free tries with new ones: it finds them free, then starts the runtime, and a
     * runtime of a suite running beside it may bind one in between.
     */
    private static final int TRIES = 3;

    private static void assertNoStackTrace(Outcome outcome) {
        assertThat(outcome.all()).doesNotContain("\tat ", "Exception in thread", "Caused by");
    }

    private static Outcome lapse(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lapse-out", ".txt");
        Path err = Files.createTempFile("lapse-err", ".txt");
        try {
            Process process = new ProcessBuilder(java(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("./lapse " + String.join(" ", args) + " did not exit within 60 s: " + Files.readString(out));
            }
            return new Outcome(process.exitValue(), lines(out), lines(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlapse.root=" + System.getProperty("lapse.root", ".."), "-cp", System.getProperty("java.class.path"),
                LocalMain.class.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }

    /** Whether a run that wrote {@code out} stopped because one of its ports was in use (see {@link #TRIES}). */
    private static boolean portTaken(Path out) throws IOException {
        return Files.readString(out).contains("in use") && !Files.readString(out).contains("Stop with Ctrl-C.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
