package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.action.EventPublisher;
import dev.lapse.action.JobAction;
import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger.State;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(60);

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, LEASE);
    final InMemory.Table table = new InMemory.Table(ledger);
    final InMemory.DeadLetters deadLetters = new InMemory.DeadLetters();
    final InMemory.Events events = new InMemory.Events();
    final List<JobAction.Run> runs = new ArrayList<>();
    JobAction action = (job, run) -> {
        runs.add(run);
        return new JobAction.Result("did it", false);
    };
    double jitter = 0.5;
    final JobRunner runner = new JobRunner(table, ledger, type -> (job, run) -> action.run(job, run), RetryPolicies.defaults(),
            deadLetters, events, clock, () -> jitter);

    static Job job(int attempt, Instant due) {
        return new Job("job-1", "report.daily", "{\"a\":1}", due, due.toString(), "occ-1", attempt, Optional.empty(),
                List.of(), due.minusSeconds(600), "tester");
    }

    void failWith(RuntimeException error) {
        action = (job, run) -> {
            throw error;
        };
    }

    @Test
    void aDueJobRunsOnceAndItsLedgerRecordIsDone() {
        Job job = job(1, T0.minusSeconds(1));
        var result = runner.run(job, "ttl");
        assertThat(result.outcome()).isEqualTo(JobRunner.Outcome.RAN);
        assertThat(result.detail()).isEqualTo("did it");
        assertThat(runs).singleElement().satisfies(run -> {
            assertThat(run.firedAt()).isEqualTo(T0);
            assertThat(run.trigger()).isEqualTo("ttl");
        });
        assertThat(ledger.entries.get("occ-1").state()).isEqualTo(State.DONE);
        assertThat(ledger.entries.get("occ-1").outcome()).isEqualTo("did it");

        assertThat(runner.run(job, "due-jobs-queue").outcome()).as("a second delivery").isEqualTo(JobRunner.Outcome.DUPLICATE);
        assertThat(runs).hasSize(1);
    }

    @Test
    void anActionThatFinishedItsLedgerRecordIsNotFinishedAgain() {
        action = (job, run) -> new JobAction.Result("committed with its effect", true);
        assertThat(runner.run(job(1, T0), "ttl").outcome()).isEqualTo(JobRunner.Outcome.RAN);
        assertThat(ledger.stateOf(job(1, T0))).isEqualTo(State.IN_FLIGHT);
    }

    @Test
    void aJobRunsEvenIfItsLedgerRecordCannotBeFinished() {
        ledger.failFinish = new IllegalStateException("ledger down");
        assertThat(runner.run(job(1, T0), "ttl").outcome()).isEqualTo(JobRunner.Outcome.RAN);
        assertThat(runs).hasSize(1);
        assertThat(table.items).isEmpty();
    }

    @Test
    void aJobArrivingEarlyIsPutBackUntilItsDueTimeAndNotClaimed() {
        Job early = job(1, T0.plusSeconds(10));
        var result = runner.run(early, "ttl");
        assertThat(result.outcome()).isEqualTo(JobRunner.Outcome.NOT_YET_DUE);
        assertThat(table.items.get("job-1")).isEqualTo(early);
        assertThat(ledger.entries).isEmpty();
        assertThat(runs).isEmpty();
    }

    @Test
    void aJobDueThisInstantRuns() {
        assertThat(runner.run(job(1, T0), "ttl").outcome()).isEqualTo(JobRunner.Outcome.RAN);
    }

    @Test
    void anOccurrenceInFlightElsewhereIsLookedAtAgainInThirtySecondsOrAtItsLeaseEndIfSooner() {
        Job job = job(1, T0.minusSeconds(5));
        ledger.claim(job); // held elsewhere until T0 + LEASE (60 s)
        clock.tick(Duration.ofSeconds(10));
        var result = runner.run(job, "ttl");
        assertThat(result.outcome()).isEqualTo(JobRunner.Outcome.DEFERRED);
        assertThat(result.detail()).isEqualTo("in flight elsewhere; looked at again at " + T0.plusSeconds(40));
        assertThat(runs).isEmpty();
        Job back = table.items.get("job-1");
        assertThat(back.dueAt()).as("30 s on: sooner than the lease's end").isEqualTo(T0.plusSeconds(10).plus(JobRunner.TRANSIENT_RETRY));
        assertThat(back.attempt()).isEqualTo(1);
        assertThat(table.offered).containsExactly(back);

        clock.tick(Duration.ofSeconds(30));
        table.items.clear();
        table.offered.clear();
        assertThat(runner.run(back, "ttl").outcome()).as("still held").isEqualTo(JobRunner.Outcome.DEFERRED);
        assertThat(table.items.get("job-1").dueAt()).as("the lease ends sooner than 30 s on").isEqualTo(T0.plus(LEASE).plusSeconds(1));
        assertThat(runs).isEmpty();
    }

    @Test
    void anOccurrenceWhoseHolderGaveItsClaimBackRunsWhenLookedAtAgainWithoutWaitingOutTheLease() {
        Job job = job(1, T0.minusSeconds(5));
        ledger.claim(job);
        assertThat(runner.run(job, "ttl").outcome()).isEqualTo(JobRunner.Outcome.DEFERRED);
        Job back = table.items.get("job-1");
        ledger.release(job.occurrenceId(), job.attempt()); // the holder hit a transient failure
        clock.tick(JobRunner.TRANSIENT_RETRY);
        assertThat(runner.run(back, "ttl").outcome()).isEqualTo(JobRunner.Outcome.RAN);
        assertThat(runs).hasSize(1);
        assertThat(clock.instant()).as("30 s after, not at the lease's end").isBefore(T0.plus(LEASE));
        assertThat(ledger.stateOf(job)).isEqualTo(State.DONE);
    }

    @Test
    void aClaimWhoseRunnerDiedIsTakenOverOnceItsLeaseIsOver() {
        Job job = job(1, T0.minusSeconds(5));
        ledger.claim(job);
        clock.tick(LEASE);
        assertThat(runner.run(job, "ttl").outcome()).as("lease ends this millisecond").isEqualTo(JobRunner.Outcome.DEFERRED);
        table.items.clear();
        clock.tick(Duration.ofMillis(1));
        assertThat(runner.run(job, "ttl").outcome()).isEqualTo(JobRunner.Outcome.RAN);
        assertThat(ledger.stateOf(job)).isEqualTo(State.DONE);
    }

    @Test
    void aFailedAttemptIsRearmedWithEqualJitterBackoffAndItsError() {
        failWith(new IllegalStateException("boom"));
        var result = runner.run(job(1, T0.minusSeconds(1)), "ttl");
        assertThat(result.outcome()).isEqualTo(JobRunner.Outcome.RETRY_SCHEDULED);
        Job next = table.items.get("job-1");
        assertThat(next.attempt()).isEqualTo(2);
        // default policy: ceiling 30 s after attempt 1, drawn between 15 s and 30 s; jitter 0.5 -> 22.5 s
        assertThat(next.dueAt()).isEqualTo(T0.plusMillis(22_500));
        assertThat(result.detail()).isEqualTo("attempt 2 at " + next.dueAt());
        assertThat(next.errors()).singleElement().satisfies(e -> {
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.at()).isEqualTo(T0);
            assertThat(e.error()).isEqualTo("IllegalStateException: boom");
        });
        assertThat(ledger.stateOf(next)).isEqualTo(State.RETRIED);
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void whatAnObserverIsToldOfAFailedAttemptIsItsErrorThenWhatWasDoneAboutIt() {
        List<Attempt> told = new ArrayList<>();
        JobRunner observed = new JobRunner(table, ledger, type -> (job, run) -> action.run(job, run), RetryPolicies.defaults(),
                deadLetters, events, clock, () -> jitter, told::add);
        failWith(new IllegalStateException("boom"));
        observed.run(job(1, T0.minusSeconds(1)), "ttl");
        observed.run(job(5, T0.minusSeconds(1)), "ttl");
        assertThat(told).extracting(Attempt::outcome, Attempt::detail).containsExactly(
                tuple(JobRunner.Outcome.RETRY_SCHEDULED, "IllegalStateException: boom; retry: attempt 2 at " + T0.plusMillis(22_500)),
                tuple(JobRunner.Outcome.DEAD_LETTERED, "failed after 5 attempt(s); last error: IllegalStateException: boom"));
    }

    @Test
    void theJitterSpreadsRetriesBetweenHalfTheCeilingAndTheCeiling() {
        failWith(new IllegalStateException("boom"));
        jitter = 0.0;
        runner.run(job(3, T0), "ttl");
        assertThat(table.items.get("job-1").dueAt()).as("attempt 3: ceiling 120 s").isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void theLastFailedAttemptIsDeadLetteredAndReported() {
        failWith(new IllegalArgumentException("bad payload"));
        var result = runner.run(job(5, T0.minusSeconds(1)), "ttl");
        assertThat(result.outcome()).isEqualTo(JobRunner.Outcome.DEAD_LETTERED);
        String reason = "failed after 5 attempt(s); last error: IllegalArgumentException: bad payload";
        assertThat(result.detail()).isEqualTo(reason);
        assertThat(deadLetters.letters).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo(reason);
            assertThat(letter.at()).isEqualTo(T0);
            assertThat(letter.job().errors()).hasSize(1);
            assertThat(letter.job().attempt()).isEqualTo(5);
        });
        assertThat(events.events).singleElement().satisfies(event -> {
            assertThat(event.detailType()).isEqualTo(EventPublisher.JOB_FAILED);
            assertThat(event.detail().path("reason").asText()).isEqualTo(reason);
            assertThat(event.detail().path("job").path("jobId").asText()).isEqualTo("job-1");
        });
        assertThat(ledger.stateOf(job(5, T0))).isEqualTo(State.DEAD_LETTERED);
        assertThat(table.items).isEmpty();
    }

    @Test
    void aJobFailedEventThatCannotBePublishedDoesNotUndoTheDeadLetter() {
        failWith(new IllegalArgumentException("bad payload"));
        events.fail = new IllegalStateException("bus down");
        assertThat(runner.run(job(5, T0), "ttl").outcome()).isEqualTo(JobRunner.Outcome.DEAD_LETTERED);
        assertThat(deadLetters.letters).hasSize(1);
        assertThat(ledger.stateOf(job(5, T0))).isEqualTo(State.DEAD_LETTERED);
    }

    @Test
    void aTransientFailureGivesTheClaimBackAndIsRetriedByTheTrigger() {
        failWith(new TransientFailureException("throttled"));
        assertThatThrownBy(() -> runner.run(job(1, T0), "ttl")).isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("job-1");
        assertThat(ledger.stateOf(job(1, T0))).isEqualTo(State.RELEASED);
        assertThat(table.items).isEmpty();
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void aRetryThatCannotBeRearmedGivesTheClaimBack() {
        failWith(new IllegalStateException("boom"));
        table.failRearm = new IllegalStateException("table down");
        assertThatThrownBy(() -> runner.run(job(1, T0), "ttl")).isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("could not be re-armed");
        assertThat(ledger.stateOf(job(1, T0))).isEqualTo(State.RELEASED);
    }

    @Test
    void aDeadLetterThatCannotBeSentGivesTheClaimBackAndReportsNothing() {
        failWith(new IllegalStateException("boom"));
        deadLetters.fail = new IllegalStateException("queue down");
        assertThatThrownBy(() -> runner.run(job(5, T0), "ttl")).isInstanceOf(TransientFailureException.class)
                .hasMessageContaining("could not be dead-lettered");
        assertThat(ledger.stateOf(job(5, T0))).isEqualTo(State.RELEASED);
        assertThat(events.events).isEmpty();
    }

    @Test
    void aRetryOverANewerJobUnderTheSameIdIsDeadLetteredAndTheNewJobKept() {
        Job newer = new Job("job-1", "report.daily", "{}", T0.plusSeconds(3600), "later", "occ-2", 1, Optional.empty(),
                List.of(), T0, "tester");
        table.items.put("job-1", newer);
        failWith(new IllegalStateException("boom"));
        assertThat(runner.run(job(1, T0), "ttl").outcome()).isEqualTo(JobRunner.Outcome.RETRY_SCHEDULED);
        assertThat(table.items.get("job-1")).isEqualTo(newer);
        assertThat(deadLetters.letters).singleElement().satisfies(letter ->
                assertThat(letter.reason()).startsWith("could not be re-armed (retry)").contains("the new job is kept"));
    }

    @Test
    void aRetryOfAnOccurrenceAlreadyBackIsNotDeadLettered() {
        table.items.put("job-1", job(3, T0.plusSeconds(60)));
        failWith(new IllegalStateException("boom"));
        runner.run(job(1, T0), "ttl");
        assertThat(table.items.get("job-1").attempt()).isEqualTo(3);
        assertThat(deadLetters.letters).isEmpty();
    }

    @Test
    void aTransientPutBackKeepsTheAttemptAndComesBackInThirtySeconds() {
        Job back = runner.putBackAfterTransientFailure(job(2, T0.minusSeconds(100)));
        assertThat(back.attempt()).isEqualTo(2);
        assertThat(back.dueAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(table.items.get("job-1")).isEqualTo(back);
        assertThat(table.offered).containsExactly(back);
    }

    @Test
    void anErrorIsDescribedByItsTypeAndMessageCappedAtAThousandCharacters() {
        assertThat(JobRunner.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
        String described = JobRunner.describe(new IllegalStateException("x".repeat(2000)));
        assertThat(described).hasSize(1001).endsWith("…");
        assertThat(JobRunner.describe(new IllegalStateException("x".repeat(977)))).hasSize(1000).doesNotEndWith("…");
    }
}
