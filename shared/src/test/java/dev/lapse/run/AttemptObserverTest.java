package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.action.JobAction;
import dev.lapse.job.Job;
import dev.lapse.job.RetryPolicy;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runner tells its observer of every attempt it ends, as it ended it, and a failing observer changes nothing. */
class AttemptObserverTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, Duration.ofSeconds(60));
    final InMemory.Table table = new InMemory.Table(ledger);
    final List<Attempt> seen = new ArrayList<>();
    RuntimeException failure;

    JobRunner runner(AttemptObserver observer) {
        return InMemory.runner(table, ledger, (job, run) -> {
            if (failure != null) {
                throw failure;
            }
            return new JobAction.Result("emitted", false);
        }, clock, observer);
    }

    static Job job(Instant due, int attempt, Optional<RetryPolicy> policy) {
        return new Job("job-7", "report.daily", "{}", due, due.toString(), "occ-7", attempt, policy, List.of(),
                due.minusSeconds(60), "tester");
    }

    @Test
    void aRunIsReportedWithItsTriggerLatenessAndOutcome() {
        runner(seen::add).run(job(T0.minusMillis(250), 1, Optional.empty()), "due-jobs-queue");
        assertThat(seen).singleElement().satisfies(a -> {
            assertThat(a.jobId()).isEqualTo("job-7");
            assertThat(a.jobType()).isEqualTo("report.daily");
            assertThat(a.occurrenceId()).isEqualTo("occ-7");
            assertThat(a.attempt()).isEqualTo(1);
            assertThat(a.trigger()).isEqualTo("due-jobs-queue");
            assertThat(a.dueAt()).isEqualTo(T0.minusMillis(250));
            assertThat(a.firedAt()).isEqualTo(T0);
            assertThat(a.latenessMs()).isEqualTo(250);
            assertThat(a.outcome()).isEqualTo(JobRunner.Outcome.RAN);
            assertThat(a.detail()).isEqualTo("emitted");
        });
    }

    @Test
    void aDuplicateAnEarlyArrivalARetryAndADeadLetterAreEachReported() {
        JobRunner runner = runner(seen::add);
        runner.run(job(T0, 1, Optional.empty()), "ttl");
        runner.run(job(T0, 1, Optional.empty()), "ttl");
        failure = new IllegalArgumentException("bad payload");
        Optional<RetryPolicy> twice = Optional.of(new RetryPolicy(2, Duration.ofSeconds(1), Duration.ofSeconds(2)));
        Job failing = new Job("job-8", "report.daily", "{}", T0, T0.toString(), "occ-8", 1, twice, List.of(), T0, "tester");
        runner.run(failing, "ttl");
        runner.run(failing.withAttempt(2, T0, List.of()), "ttl");
        runner.run(job(T0.plusSeconds(5), 1, Optional.empty()), "schedule");

        assertThat(seen).extracting(Attempt::outcome).containsExactly(JobRunner.Outcome.RAN, JobRunner.Outcome.DUPLICATE,
                JobRunner.Outcome.RETRY_SCHEDULED, JobRunner.Outcome.DEAD_LETTERED, JobRunner.Outcome.NOT_YET_DUE);
        assertThat(seen.get(2).detail()).as("a retried attempt: its error, then the retry")
                .startsWith("IllegalArgumentException: bad payload; retry: attempt 2 at ");
        assertThat(seen.get(3).detail()).contains("bad payload");
        assertThat(seen.get(4).latenessMs()).isEqualTo(-5000);
    }

    @Test
    void anObserverThatFailsChangesNothingAndTheOthersStillSeeTheAttempt() {
        AttemptObserver broken = attempt -> {
            throw new IllegalStateException("metrics down");
        };
        var result = runner(AttemptObserver.all(List.of(broken, seen::add))).run(job(T0, 1, Optional.empty()), "ttl");
        assertThat(result.outcome()).isEqualTo(JobRunner.Outcome.RAN);
        assertThat(seen).hasSize(1);
    }
}
