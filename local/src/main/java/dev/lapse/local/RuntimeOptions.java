package dev.lapse.local;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * How to start the local runtime. {@code clock} is the time the functions, fast TTL and schedules read (the system
 * clock unless {@link #withClock} sets another).
 */
public record RuntimeOptions(Path root, boolean fastTtl, int dynamoPort, int sqsPort, int apiPort, Map<String, String> parameters,
                             boolean schedules, Duration pollInterval, boolean ttlOff, String host, Clock clock) {
    /** Every endpoint listens on the loopback interface only, unless {@link #withHost} widens it. */
    public static final String LOOPBACK = "127.0.0.1";

    public RuntimeOptions(Path root, boolean fastTtl, int dynamoPort, int sqsPort, int apiPort,
                          Map<String, String> parameters, boolean schedules, Duration pollInterval, boolean ttlOff) {
        this(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, LOOPBACK, Clock.systemUTC());
    }

    public static RuntimeOptions defaults(Path root) {
        return new RuntimeOptions(root, false, 0, 0, 0, Map.of(), true, Duration.ofMillis(100), false);
    }

    /** The address the endpoints listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
    public RuntimeOptions withHost(String address) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, address, clock);
    }

    /** For tests and the bench's cost model: no TTL deletion at all, so only the precise path (due-jobs queue) can run a job. */
    public RuntimeOptions withoutTtl() {
        return new RuntimeOptions(root, false, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, true, host, clock);
    }

    public RuntimeOptions withFastTtl(boolean fast) {
        return new RuntimeOptions(root, fast, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, host, clock);
    }

    public RuntimeOptions withPorts(int dynamo, int sqs, int api) {
        return new RuntimeOptions(root, fastTtl, dynamo, sqs, api, parameters, schedules, pollInterval, ttlOff, host, clock);
    }

    public RuntimeOptions withParameters(Map<String, String> params) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, params, schedules, pollInterval, ttlOff, host, clock);
    }

    public RuntimeOptions withSchedules(boolean on) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, on, pollInterval, ttlOff, host, clock);
    }

    /** The clock the functions, fast TTL and schedules read. */
    public RuntimeOptions withClock(Clock time) {
        return new RuntimeOptions(root, fastTtl, dynamoPort, sqsPort, apiPort, parameters, schedules, pollInterval, ttlOff, host, time);
    }
}
