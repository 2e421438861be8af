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
    }

    @Test
    void theDefaultIsFiveAttemptsFromThirtySecondsCappedAtAnHour() {
        assertThat(RetryPolicy.DEFAULT).isEqualTo(RetryPolicy.of(5, 30, 3600));
    }
}
