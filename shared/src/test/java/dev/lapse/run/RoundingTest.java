package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.job.Job;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Guarantee 1 starts here: both the TTL value and the SQS delay are rounded up, never down. */
class RoundingTest {
    private static Job dueAt(String instant) {
        Instant due = Instant.parse(instant);
        return new Job("j", "a.b", "{}", due, instant, "o", 1, Optional.empty(), List.of(), due, "test");
    }

    @Test
    void theTtlIsTheDueTimeRoundedUpToTheNextSecond() {
        assertThat(dueAt("2026-12-01T09:00:00Z").ttlEpochSeconds()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z").getEpochSecond());
        assertThat(dueAt("2026-12-01T09:00:00.001Z").ttlEpochSeconds()).isEqualTo(Instant.parse("2026-12-01T09:00:01Z").getEpochSecond());
        assertThat(dueAt("2026-12-01T09:00:00.999Z").ttlEpochSeconds()).isEqualTo(Instant.parse("2026-12-01T09:00:01Z").getEpochSecond());
    }

    @Test
    void theQueueDelayArrivesAtMostAQuarterSecondEarlyAndIsNeverNegative() {
        Instant now = Instant.parse("2026-12-01T09:00:00Z");
        assertThat(SqsDueJobsQueue.delaySeconds(now.plusMillis(1), now)).isZero();
        assertThat(SqsDueJobsQueue.delaySeconds(now.plusMillis(250), now)).isZero();
        assertThat(SqsDueJobsQueue.delaySeconds(now.plusMillis(251), now)).isEqualTo(1);
        assertThat(SqsDueJobsQueue.delaySeconds(now.plusMillis(1_250), now)).isEqualTo(1);
        assertThat(SqsDueJobsQueue.delaySeconds(now.plusMillis(9_001), now)).isEqualTo(9);
        assertThat(SqsDueJobsQueue.delaySeconds(now.plusMillis(9_300), now)).isEqualTo(10);
        assertThat(SqsDueJobsQueue.delaySeconds(now.plusSeconds(900), now)).isEqualTo(900);
        assertThat(SqsDueJobsQueue.delaySeconds(now.minusSeconds(30), now)).isZero();
    }
}
