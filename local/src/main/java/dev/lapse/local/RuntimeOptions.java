package dev.lapse.local;

import dev.lapse.run.SqsDueJobsQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * How to start the local runtime. {@code clock} is the time the functions, fast TTL and schedules read (the system
 * clock unless {@link #withClock} sets another). {@code sweepEvery}: null, or the period {@link #withSweepEvery} gives
 * the template's rate schedules.
 */
public record RuntimeOptions(Path root, boolean fastTtl, int dynamoPort, int sqsPort, int apiPort, Map<String, String> parameters,
                             boolean schedules, Duration pollInterval, boolean ttlOff, String host, Clock clock, Duration sweepEvery) {

    /** Every endpoint listens on the loopback interface only, unless {@link #withHost} widens it. */
    public static final String LOOPBACK = "127.0.0.1";

    public RuntimeOptions(Path root, boolean fastTtl, int dynamoPort, int sqsPort, int apiPort,
                          Map<String, String> parameters, boolean schedules, Duration pollInterval, boolean ttlOff) {
        this(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, LOOPBACK, Clock.systemUTC(), null);
    }

    public static RuntimeOptions defaults(Path root) {
        return new RuntimeOptions(root, false, 0, 0, 0, Map.of(), true, Duration.ofMillis(100), false);
    }

    /** The address the endpoints listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
    public RuntimeOptions withHost(String address) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, address, clock, sweepEvery);
    }

    /** For tests and the bench's cost model: no TTL deletion at all, so only the precise path (due-jobs queue) can run a job. */
    public RuntimeOptions withoutTtl() {
        return new RuntimeOptions(root, false, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, true, host, clock, sweepEvery);
    }

    public RuntimeOptions withFastTtl(boolean fast) {
        return new RuntimeOptions(root, fast, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, host, clock, sweepEvery);
    }

    public RuntimeOptions withPorts(int dynamo, int sqs, int api) {
        return new RuntimeOptions(root, fastTtl, dynamo, sqs, api, parameters, schedules, pollInterval, ttlOff, host, clock, sweepEvery);
    }

    public RuntimeOptions withParameters(Map<String, String> params) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, params, schedules, pollInterval, ttlOff, host, clock, sweepEvery);
    }

    public RuntimeOptions withSchedules(boolean on) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, on, pollInterval, ttlOff, host, clock, sweepEvery);
    }

    /** The clock the functions, fast TTL and schedules read. */
    public RuntimeOptions withClock(Clock time) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, host, time, sweepEvery);
    }

    /**
     * For tests, as fast TTL is: the template's rate schedules (the sweep's {@code rate(1 minute)}, its only one) fire
     * every {@code every} instead, and {@code PreciseHorizonSeconds} may be as low as that period and 30 s to spare (the
     * template's minimum, 90, is the minute and 30 s). So a job beyond the
     * horizon is handed over within seconds, and the sweep path is tested in about a minute instead of three.
     */
    public RuntimeOptions withSweepEvery(Duration every) {
        if (every.getNano() != 0 || every.toSeconds() < 1 || every.compareTo(SqsDueJobsQueue.SWEEP_PERIOD) > 0) {
            throw new IllegalArgumentException("sweepEvery: " + every + " is out of range; accepted: whole seconds from 1 s to " + SqsDueJobsQueue.SWEEP_PERIOD);
        }
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, host, clock, every);
    }

    /** What the runtime adds to every function's environment: the sweep's period ({@link #withSweepEvery}), or nothing. */
    Map<String, String> functionEnvironment() {
        return sweepEvery == null ? Map.of() : Map.of("SWEEP_PERIOD_SECONDS", Long.toString(sweepEvery.toSeconds()));
    }

    /**
     * The MinValue of each Number parameter that differs here from the template's (empty unless {@link #withSweepEvery}):
     * PreciseHorizonSeconds' is the sweep's period and 30 s, as the functions' own check has it.
     */
    Map<String, Double> minimums() {
        return sweepEvery == null ? Map.of()
                : Map.of("PreciseHorizonSeconds", (double) SqsDueJobsQueue.minHorizonFor(sweepEvery).toSeconds());
    }
}
