package dev.lapse.job;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How often a failing job is tried and how long Lapse waits between tries: exponential
 * backoff capped by {@code maxDelay}, with equal jitter (see {@link #delayAfter(int, DoubleSupplier)}).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    public static final int MAX_ATTEMPTS_LIMIT = 20;
    public static final Duration MAX_DELAY_LIMIT = Duration.ofDays(7);
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(30), Duration.ofHours(1));

    /** What each field accepts, as errors say it (a field's path is {@code retry.<name>}). */
    public static final String MAX_ATTEMPTS_ACCEPTED = "an integer from 1 to " + MAX_ATTEMPTS_LIMIT;
    public static final String BASE_DELAY_ACCEPTED = "an integer from 1 to " + MAX_DELAY_LIMIT.toSeconds();
    public static final String MAX_DELAY_ACCEPTED = "an integer from baseDelaySeconds to " + MAX_DELAY_LIMIT.toSeconds();

    public RetryPolicy {
        checkMaxAttempts(maxAttempts);
        if (baseDelay.isNegative() || baseDelay.isZero() || baseDelay.compareTo(MAX_DELAY_LIMIT) > 0) {
            throw new InvalidRequestException("retry.baseDelaySeconds", "is " + baseDelay.toSeconds(), BASE_DELAY_ACCEPTED);
        }
        if (maxDelay.compareTo(baseDelay) < 0 || maxDelay.compareTo(MAX_DELAY_LIMIT) > 0) {
            throw new InvalidRequestException("retry.maxDelaySeconds", "is " + maxDelay.toSeconds(),
                    "an integer from baseDelaySeconds (" + baseDelay.toSeconds() + ") to " + MAX_DELAY_LIMIT.toSeconds());
        }
    }

    /** A policy from whole numbers as a request gives them; out of range is an {@link InvalidRequestException} naming the field. */
    public static RetryPolicy of(long maxAttempts, long baseDelaySeconds, long maxDelaySeconds) {
        checkMaxAttempts(maxAttempts);
        return new RetryPolicy((int) maxAttempts, Duration.ofSeconds(baseDelaySeconds), Duration.ofSeconds(maxDelaySeconds));
    }

    private static void checkMaxAttempts(long maxAttempts) {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new InvalidRequestException("retry.maxAttempts", "is " + maxAttempts, MAX_ATTEMPTS_ACCEPTED);
        }
    }

    /** Upper bound of the wait before attempt {@code failedAttempt + 1}: base * 2^(failedAttempt-1), capped. */
    public Duration ceilingAfter(int failedAttempt) {
        int exponent = Math.max(0, Math.min(failedAttempt - 1, 30));
        // at most 7 days of milliseconds (the bound on baseDelay) times 2^30, about 6.5e17: a long holds it
        long ceiling = baseDelay.toMillis() << exponent;
        return Duration.ofMillis(Math.min(ceiling, maxDelay.toMillis()));
    }

    /**
     * The wait before the next attempt, drawn uniformly between half the ceiling and the ceiling
     * ("equal jitter"): delays still grow with each attempt while concurrent retries spread out.
     */
    public Duration delayAfter(int failedAttempt, DoubleSupplier random) {
        long ceiling = ceilingAfter(failedAttempt).toMillis();
        long half = ceiling / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
    }

    public Duration delayAfter(int failedAttempt) {
        return delayAfter(failedAttempt, () -> ThreadLocalRandom.current().nextDouble());
    }
}
