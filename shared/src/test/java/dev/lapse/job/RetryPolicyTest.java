package dev.lapse.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.of(6, 30, 300);

    @Test
    void theCeilingDoublesEachAttemptUntilTheCap() {
        assertThat(policy.ceilingAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.ceilingAfter(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(policy.ceilingAfter(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(policy.ceilingAfter(4)).isEqualTo(Duration.ofSeconds(240));
        assertThat(policy.ceilingAfter(5)).isEqualTo(Duration.ofSeconds(300));
        assertThat(policy.ceilingAfter(60)).isEqualTo(Duration.ofSeconds(300));
        long week = RetryPolicy.MAX_DELAY_LIMIT.toSeconds();
        assertThat(RetryPolicy.of(20, week, week).ceilingAfter(Integer.MAX_VALUE)).as("the largest policy, no overflow")
                .isEqualTo(RetryPolicy.MAX_DELAY_LIMIT);
        assertThat(RetryPolicy.of(20, 1, week).ceilingAfter(Integer.MAX_VALUE)).as("2^30 s, capped at a week")
                .isEqualTo(RetryPolicy.MAX_DELAY_LIMIT);
    }

    @Test
    void jitterStaysBetweenHalfTheCeilingAndTheCeiling() {
        assertThat(policy.delayAfter(2, () -> 0.0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delayAfter(2, () -> 0.999999)).isLessThanOrEqualTo(Duration.ofSeconds(60)).isGreaterThan(Duration.ofSeconds(59));
        for (int i = 0; i < 1000; i++) {
            Duration d = policy.delayAfter(3);
            assertThat(d).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(120));
        }
    }

    @Test
    void belowTheCapTheShortestNextDelayIsNoShorterThanTheLongestCurrentOne() {
        // ceilings 30, 60, 120, 240 s: the next delay's floor (half its ceiling) is this ceiling
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(policy.delayAfter(attempt + 1, () -> 0.0)).isGreaterThanOrEqualTo(policy.delayAfter(attempt, () -> 0.999999));
        }
    }

    @Test
    void refusesPoliciesOutsideTheDocumentedBounds() {
        assertThatThrownBy(() -> RetryPolicy.of(0, 1, 1)).hasMessageContaining("retry.maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.of(21, 1, 1)).hasMessageContaining("retry.maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.of(3, 0, 1)).hasMessageContaining("retry.baseDelaySeconds");
        assertThatThrownBy(() -> RetryPolicy.of(3, 10, 5)).hasMessageContaining("retry.maxDelaySeconds");
        // a whole number a request may carry that is beyond an int is refused, not wrapped into the range
        assertThatThrownBy(() -> RetryPolicy.of((1L << 32) + 3, 1, 1)).hasMessageContaining("retry.maxAttempts")
                .hasMessageContaining(Long.toString((1L << 32) + 3));
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        assertThat(RetryPolicy.of(1, 1, 1).maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicy.of(RetryPolicy.MAX_ATTEMPTS_LIMIT, 1, RetryPolicy.MAX_DELAY_LIMIT.toSeconds()).maxAttempts())
                .isEqualTo(RetryPolicy.MAX_ATTEMPTS_LIMIT);
    }

    @Test
    void concurrentRetriesSpreadOutOverTheJitterRange() {
        java.util.Set<Duration> drawn = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            drawn.add(policy.delayAfter(3));
        }
        assertThat(drawn).as("100 draws over 60 s of milliseconds").hasSizeGreaterThan(90);
    }

    @Test
    void theDefaultIsFiveAttemptsFromThirtySecondsCappedAtAnHour() {
        assertThat(RetryPolicy.DEFAULT).isEqualTo(RetryPolicy.of(5, 30, 3600));
    }
}
