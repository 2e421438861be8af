package dev.lapse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lapse.json.Json;
import dev.lapse.run.Attempt;
import dev.lapse.run.JobRunner;
import dev.lapse.testing.SettableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each attempt and request becomes one line in CloudWatch's embedded metric format, with the right names and values. */
class EmfMetricsTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    final SettableClock clock = new SettableClock(T0);
    final List<String> lines = new ArrayList<>();
    final EmfMetrics metrics = new EmfMetrics(clock, lines::add);

    static Attempt attempt(JobRunner.Outcome outcome, long lateMs, String trigger) {
        return new Attempt("job-1", "report.daily", "occ-1", 1, trigger, T0.minusMillis(lateMs), T0, outcome, "x");
    }

    JsonNode line(int i) {
        return Json.read(lines.get(i));
    }

    @Test
    void aRunIsCountedWithItsLatenessPerTriggerInEmfShape() {
        metrics.observe(attempt(JobRunner.Outcome.RAN, 237, "due-jobs-queue"));
        JsonNode emf = line(0);
        assertThat(emf.at("/_aws/Timestamp").asLong()).isEqualTo(T0.toEpochMilli());
        JsonNode directive = emf.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.path("Namespace").asText()).isEqualTo("Lapse");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\"],[\"Service\",\"Trigger\"]]");
        assertThat(directive.path("Metrics").toString())
                .isEqualTo("[{\"Name\":\"JobsRun\",\"Unit\":\"Count\"},{\"Name\":\"LatenessMs\",\"Unit\":\"Milliseconds\"}]");
        assertThat(emf.path("Service").asText()).isEqualTo("lapse");
        assertThat(emf.path("Trigger").asText()).isEqualTo("due-jobs-queue");
        assertThat(emf.path("JobsRun").asInt()).isEqualTo(1);
        assertThat(emf.path("LatenessMs").asLong()).isEqualTo(237);
        assertThat(emf.has("report.daily")).as("job types are not dimensions").isFalse();
    }

    @Test
    void aJobScheduledAfterItsDueTimeIsLateOnlyFromWhenItWasScheduled() {
        Instant due = T0.minus(Duration.ofHours(23));
        Instant scheduled = T0.minusMillis(300);
        metrics.observe(new Attempt("j", "report.daily", "o", 1, "due-jobs-queue", due, T0, JobRunner.Outcome.RAN, "ran", scheduled));
        metrics.observe(new Attempt("k", "report.daily", "o2", 1, "due-jobs-queue", T0.minusMillis(40), T0, JobRunner.Outcome.RAN, "ran",
                T0.minus(Duration.ofHours(1))));

        assertThat(line(0).path("LatenessMs").asLong()).as("23 h past its due time, but scheduled 300 ms before it ran").isEqualTo(300);
        assertThat(line(1).path("LatenessMs").asLong()).as("scheduled ahead: late from its due time").isEqualTo(40);
        assertThat(new Attempt("j", "t", "o", 1, "ttl", due, T0, JobRunner.Outcome.RAN, "ran", scheduled).latenessMs())
                .as("history keeps the lateness from the due time").isEqualTo(Duration.ofHours(23).toMillis());
    }

    @Test
    void retriesDeadLettersAndDuplicatesAreCountedAndDeferralsAreNot() {
        metrics.observe(attempt(JobRunner.Outcome.RETRY_SCHEDULED, 5, "ttl"));
        metrics.observe(attempt(JobRunner.Outcome.DEAD_LETTERED, 5, "ttl"));
        metrics.observe(attempt(JobRunner.Outcome.DUPLICATE, 5, "ttl"));
        metrics.observe(attempt(JobRunner.Outcome.DEFERRED, 5, "ttl"));
        metrics.observe(attempt(JobRunner.Outcome.NOT_YET_DUE, -5, "ttl"));
        assertThat(lines).hasSize(3);
        assertThat(line(0).path("Retries").asInt()).isEqualTo(1);
        assertThat(line(1).path("DeadLettered").asInt()).isEqualTo(1);
        assertThat(line(2).path("DuplicatesSkipped").asInt()).isEqualTo(1);
        assertThat(line(0).has("LatenessMs")).isFalse();
    }

    @Test
    void requestsAreCountedAsScheduledOrRejectedWithoutATrigger() {
        metrics.request(true);
        metrics.request(false);
        assertThat(line(0).path("JobsScheduled").asInt()).isEqualTo(1);
        assertThat(line(1).path("JobsRejected").asInt()).isEqualTo(1);
        assertThat(line(1).at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"Service\"]]");
        assertThat(line(1).has("Trigger")).isFalse();
    }

    @Test
    void aFailingSinkNeverFailsTheRunAndANewSinkTakesOver() {
        metrics.sendTo(line -> {
            throw new IllegalStateException("stdout closed");
        });
        metrics.observe(attempt(JobRunner.Outcome.RAN, 1, "ttl"));
        metrics.sendTo(lines::add);
        metrics.observe(attempt(JobRunner.Outcome.RAN, 1, "ttl"));
        assertThat(lines).hasSize(1);
    }
}
