package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.observe.EmfMetrics;
import dev.lapse.run.Attempt;
import dev.lapse.run.JobRunner;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** GET /metrics sums the functions' EMF lines: counts by name, runs by trigger, lateness percentiles. */
class LocalMetricsTest {
    final LocalMetrics kept = new LocalMetrics();
    final EmfMetrics metrics = new EmfMetrics(Clock.systemUTC(), kept::record);

    void ran(long lateMs, String trigger) {
        Instant now = Instant.now();
        metrics.observe(new Attempt("j", "t.x", "o", 1, trigger, now.minusMillis(lateMs), now, JobRunner.Outcome.RAN, ""));
    }

    @Test
    void countsRunsByTriggerAndLatenessPercentiles() {
        for (int i = 1; i <= 100; i++) {
            ran(i, i <= 60 ? "due-jobs-queue" : "ttl");
        }
        metrics.request(true);
        metrics.request(false);
        metrics.observe(new Attempt("j", "t.x", "o", 1, "ttl", Instant.EPOCH, Instant.EPOCH, JobRunner.Outcome.DEAD_LETTERED, ""));
        ObjectNode snapshot = kept.snapshot();
        assertThat(snapshot.at("/counts/JobsRun").asLong()).isEqualTo(100);
        assertThat(snapshot.at("/counts/JobsScheduled").asLong()).isEqualTo(1);
        assertThat(snapshot.at("/counts/JobsRejected").asLong()).isEqualTo(1);
        assertThat(snapshot.at("/counts/DeadLettered").asLong()).isEqualTo(1);
        assertThat(snapshot.at("/jobsRunByTrigger/due-jobs-queue").asLong()).isEqualTo(60);
        assertThat(snapshot.at("/jobsRunByTrigger/ttl").asLong()).isEqualTo(40);
        assertThat(snapshot.at("/latenessMs/count").asLong()).isEqualTo(100);
        assertThat(snapshot.at("/latenessMs/p50").asLong()).isBetween(49L, 51L);
        assertThat(snapshot.at("/latenessMs/p99").asLong()).isBetween(98L, 100L);
        assertThat(snapshot.at("/latenessMs/max").asLong()).isBetween(99L, 101L);
        assertThat(snapshot.path("lines").asLong()).isEqualTo(103);
    }
}
