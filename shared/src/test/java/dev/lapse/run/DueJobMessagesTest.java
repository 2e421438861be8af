package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.action.JobAction;
import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.job.Series;
import dev.lapse.store.ExecutionLedger.State;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DueJobMessagesTest {
    static final Instant T0 = JobRunnerTest.T0;

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, JobRunnerTest.LEASE);
    final InMemory.Table table = new InMemory.Table(ledger);
    final InMemory.Queue queue = new InMemory.Queue();
    final List<String> triggers = java.util.Collections.synchronizedList(new ArrayList<>()); // a batch runs its records on several workers
    RuntimeException failure;
    final JobRunner runner = InMemory.runner(table, ledger, (job, run) -> {
        if (failure != null) {
            throw failure;
        }
        triggers.add(run.trigger());
        return new JobAction.Result("did it", false);
    }, clock);
    final List<java.time.Duration> waited = java.util.Collections.synchronizedList(new ArrayList<>());
    final DueJobMessages messages = new DueJobMessages(table, ledger, runner, Optional.of(queue), clock, d -> {
        waited.add(d);
        clock.tick(d);
    });

    final Job job = JobRunnerTest.job(1, T0.minusSeconds(1));
    final DueJobsQueue.Message pointer = DueJobsQueue.Message.of(job);

    @Test
    void aPendingJobIsTakenOutOfTheTableAndRun() {
        table.items.put("job-1", job);
        assertThat(messages.handle("m-1", pointer.body())).isEqualTo(DueJobMessages.Outcome.RUN);
        assertThat(triggers).containsExactly(DueJobMessages.TRIGGER);
        assertThat(table.items).isEmpty();
        assertThat(ledger.stateOf(job)).isEqualTo(State.DONE);
    }

    record Record(String id, String body) {
    }

    List<Record> batchOf(Job... jobs) {
        List<Record> records = new ArrayList<>();
        for (Job j : jobs) {
            table.items.put(j.jobId(), j);
            records.add(new Record("m-" + j.jobId(), DueJobsQueue.Message.of(j).body()));
        }
        return records;
    }

    static Job oneTime(String jobId, int attempt, Instant due) {
        return new Job(jobId, "report.daily", "{}", due, due.toString(), "occ-" + jobId, attempt, Optional.empty(), List.of(), T0.minusSeconds(60), "t");
    }

    @Test
    void aJobWaitingOutItsDueTimeDoesNotHoldBackTheEventOfADueJobOfTheSameBatch() {
        // Given a batch of a job due now and one whose message came 200 ms early, whose actions publish through a joined call
        List<List<String>> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        RecordBatch.Call<String, String> publish = entries -> {
            calls.add(List.copyOf(entries));
            return entries;
        };
        java.util.concurrent.CountDownLatch published = new java.util.concurrent.CountDownLatch(1);
        JobRunner publishing = InMemory.runner(table, ledger, (j, run) -> {
            RecordBatch.join(publish, j.jobId(), 10);
            if (j.jobId().equals("due")) {
                published.countDown();
            }
            return new JobAction.Result("did it", false);
        }, clock);
        // the early job's wait ends only once the due job's event is out: held back by the waiting job, it never would be
        DueJobMessages waitingForTheOther = new DueJobMessages(table, ledger, publishing, Optional.of(queue), clock, d -> {
            PartialBatchTest.await(published);
            clock.tick(d);
        });
        List<Record> batch = batchOf(oneTime("due", 1, T0), oneTime("early", 1, T0.plusMillis(200)));

        // When the batch is handled
        List<String> failed = waitingForTheOther.handleAll(batch, Record::id, Record::body);

        // Then both ran, the due job's event in a call of its own, before the early one's
        assertThat(failed).isEmpty();
        assertThat(calls).containsExactly(List.of("due"), List.of("early"));
        assertThat(table.items).isEmpty();
    }

    @Test
    void aBatchReadsItsJobsInOneCallAndTakesEachAsRead() {
        List<Record> batch = batchOf(oneTime("a", 1, T0), oneTime("b", 1, T0), oneTime("c", 2, T0.minusSeconds(5)));

        assertThat(messages.handleAll(batch, Record::id, Record::body)).isEmpty();

        assertThat(triggers).hasSize(3);
        assertThat(table.items).isEmpty();
        assertThat(table.reads).as("one read for the batch, none per message").containsExactly("getAll 3");
    }

    @Test
    void aJobCancelledAfterTheBatchReadItNeverRuns() {
        Job a = oneTime("a", 1, T0.plusMillis(100)); // arrives 100 ms early: the handler waits, and meanwhile it is cancelled
        List<Record> batch = batchOf(a);
        DueJobMessages cancelling = new DueJobMessages(table, ledger, runner, Optional.of(queue), clock, d -> {
            table.items.remove("a");
            clock.tick(d);
        });

        assertThat(cancelling.handleAll(batch, Record::id, Record::body)).isEmpty();

        assertThat(triggers).isEmpty();
        assertThat(ledger.stateOf(a)).as("never claimed").isNull();
        assertThat(table.reads).containsExactly("getAll 1", "get a");
    }

    @Test
    void aJobPutBackAfterTheBatchReadItIsReadAgainAndRunsAsItIsNow() {
        Job read = oneTime("a", 1, T0.plusMillis(100));
        Job now = oneTime("a", 2, T0.plusMillis(100)); // the same occurrence, put back for attempt 2 meanwhile
        List<Record> batch = batchOf(read);
        DueJobMessages changing = new DueJobMessages(table, ledger, runner, Optional.of(queue), clock, d -> {
            table.items.put("a", now);
            clock.tick(d);
        });

        assertThat(changing.handleAll(batch, Record::id, Record::body)).isEmpty();

        assertThat(triggers).hasSize(1);
        assertThat(ledger.entries.get("occ-a").attempt()).isEqualTo(2);
        assertThat(table.reads).containsExactly("getAll 1", "get a");
    }

    @Test
    void aBatchAnswersTheMessagesToDeliverAgainAndOnlyThose() {
        List<Record> batch = new ArrayList<>(batchOf(oneTime("a", 1, T0)));
        Job elsewhere = oneTime("b", 1, T0);
        ledger.claim(elsewhere); // taken by another invocation that is still running it
        batch.add(new Record("m-b", DueJobsQueue.Message.of(elsewhere).body()));

        assertThat(messages.handleAll(batch, Record::id, Record::body)).containsExactly("m-b");

        assertThat(triggers).as("a ran; b is left to the invocation that has it").hasSize(1);
    }

    @Test
    void aMessageOfAnEarlierOccurrenceDoesNotTakeTheOccurrenceTheBatchReadInstead() {
        Job earlier = oneTime("a", 1, T0);
        Job now = new Job("a", "report.daily", "{}", T0, "rescheduled", "occ-a-2", 1, Optional.empty(), List.of(), T0, "t");
        table.items.put("a", now); // rescheduled: the new occurrence is due too, and has its own message
        List<Record> batch = List.of(new Record("m-old", DueJobsQueue.Message.of(earlier).body()));

        assertThat(messages.handleAll(batch, Record::id, Record::body)).isEmpty();

        assertThat(triggers).isEmpty();
        assertThat(table.items).containsEntry("a", now);
    }

    @Test
    void aRecurringJobPausedAfterTheBatchReadItIsNotRun() {
        Series active = new Series("r1", RecurringRunsTest.EVERY_2S, 1, T0, Series.State.ACTIVE);
        Job series = new Job("r1", "provider.poll", "{}", T0, "recurrence:{}", Occurrences.ofSeries("r1", T0), 1, Optional.empty(),
                List.of(), T0.minusSeconds(2), "tester", Optional.of(active));
        List<Record> batch = batchOf(series);
        Job paused = new Job("r1", "provider.poll", "{}", T0, "recurrence:{}", series.occurrenceId(), 1, Optional.empty(),
                List.of(), T0.minusSeconds(2), "tester", Optional.of(active.with(1, T0, Series.State.PAUSED)));
        table.items.put(series.jobId(), paused); // paused since the read: same occurrence, same attempt

        assertThat(messages.handleAll(batch, Record::id, Record::body)).isEmpty();

        assertThat(triggers).isEmpty();
        assertThat(table.items).containsEntry(series.jobId(), paused);
    }

    @Test
    void aMessageThatPointsAtAJobIsGroupedByThatJobAndAnyOtherByItsBody() {
        assertThat(DueJobMessages.jobOf(pointer.body())).isEqualTo("job-1");
        assertThat(DueJobMessages.jobOf("not json")).isEqualTo("not json");
    }

    @Test
    void whenTheBatchReadFailsEachMessageReadsItsOwnJob() {
        List<Record> batch = batchOf(oneTime("a", 1, T0), oneTime("b", 1, T0));
        table.failGetAll = new IllegalStateException("ProvisionedThroughputExceeded");

        assertThat(messages.handleAll(batch, Record::id, Record::body)).isEmpty();

        assertThat(triggers).hasSize(2);
        assertThat(table.reads).containsExactlyInAnyOrder("getAll 2", "get a", "get b");
    }

    @Test
    void aMessageForAJobNoLongerPendingIsDone() {
        assertThat(messages.handle(pointer)).isEqualTo(DueJobMessages.Outcome.GONE);
        Job other = new Job("job-1", "report.daily", "{}", T0, "now", "occ-2", 1, Optional.empty(), List.of(), T0, "t");
        table.items.put("job-1", other);
        assertThat(messages.handle(pointer)).as("rescheduled as another occurrence").isEqualTo(DueJobMessages.Outcome.GONE);
        assertThat(table.items).containsValue(other);
        assertThat(triggers).isEmpty();
    }

    @Test
    void aMessageArrivingEarlyIsSentAgainForTheRestOfItsDelay() {
        Job later = JobRunnerTest.job(1, T0.plusSeconds(5));
        table.items.put("job-1", later);
        assertThat(messages.handle(DueJobsQueue.Message.of(later))).isEqualTo(DueJobMessages.Outcome.SENT_AGAIN);
        assertThat(queue.resent).containsExactly(DueJobsQueue.Message.of(later));
        assertThat(table.items).containsValue(later);
        assertThat(ledger.entries).isEmpty();
    }

    @Test
    void aMessageArrivingWithinTheEarlyAllowanceIsWaitedForAndRunsAtItsDueTimeNeverBefore() {
        Job soon = JobRunnerTest.job(1, T0.plusMillis(200));
        table.items.put("job-1", soon);
        assertThat(messages.handle(DueJobsQueue.Message.of(soon))).isEqualTo(DueJobMessages.Outcome.RUN);
        assertThat(waited).containsExactly(java.time.Duration.ofMillis(200));
        assertThat(clock.instant()).isEqualTo(soon.dueAt());
        assertThat(queue.resent).isEmpty();
        Job atTheAllowance = JobRunnerTest.job(1, clock.instant().plus(DueJobMessages.EARLY_WAIT));
        table.items.put("job-1", atTheAllowance);
        assertThat(messages.handle(DueJobsQueue.Message.of(atTheAllowance))).as("exactly the allowance early").isEqualTo(DueJobMessages.Outcome.RUN);
        assertThat(waited).containsExactly(java.time.Duration.ofMillis(200), DueJobMessages.EARLY_WAIT);
        Job notSoon = JobRunnerTest.job(1, clock.instant().plusMillis(251));
        table.items.put("job-1", notSoon);
        assertThat(messages.handle(DueJobsQueue.Message.of(notSoon))).isEqualTo(DueJobMessages.Outcome.SENT_AGAIN);
    }

    @Test
    void aMessageLeftFromAnEarlierAttemptDoesNotTakeTheRetryBeforeItsTime() {
        Job retry = JobRunnerTest.job(2, T0.plusSeconds(60)); // attempt 1 failed; attempt 2 waits in the table
        table.items.put("job-1", retry);
        assertThat(messages.handle(DueJobsQueue.Message.of(JobRunnerTest.job(1, T0.minusSeconds(1))))).isEqualTo(DueJobMessages.Outcome.GONE);
        assertThat(table.items).containsValue(retry);
        assertThat(triggers).isEmpty();
    }

    @Test
    void aJobGivenBackByAnotherInvocationIsRecoveredFromItsClaim() {
        ledger.claim(job);
        ledger.release(job.occurrenceId(), 1);
        assertThat(messages.handle(pointer)).isEqualTo(DueJobMessages.Outcome.RECOVERED);
        assertThat(triggers).containsExactly(DueJobMessages.TRIGGER);
        assertThat(ledger.stateOf(job)).isEqualTo(State.DONE);
    }

    @Test
    void aJobWhoseRunnerDiedIsRecoveredAfterTheLease() {
        ledger.claim(job);
        assertThatThrownBy(() -> messages.handle(pointer)).as("in flight in another invocation")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in flight");
        clock.tick(JobRunnerTest.LEASE.plusMillis(1));
        assertThat(messages.handle(pointer)).isEqualTo(DueJobMessages.Outcome.RECOVERED);
        assertThat(triggers).hasSize(1);
    }

    @Test
    void aFinishedOccurrenceIsNotRecovered() {
        table.items.put("job-1", job);
        messages.handle(pointer);
        assertThat(messages.handle(pointer)).isEqualTo(DueJobMessages.Outcome.GONE);
        assertThat(triggers).hasSize(1);
    }

    @Test
    void aTransientFailurePutsTheJobBackInTheTable() {
        table.items.put("job-1", job);
        failure = new TransientFailureException("throttled");
        assertThat(messages.handle(pointer)).isEqualTo(DueJobMessages.Outcome.PUT_BACK);
        assertThat(table.items.get("job-1").dueAt()).isEqualTo(T0.plus(Duration.ofSeconds(30)));
        assertThat(ledger.stateOf(job)).isEqualTo(State.RELEASED);
    }

    @Test
    void aJobPutBackAfterATransientFailureAndThenCancelledIsNotRunFromItsReleasedClaim() {
        table.items.put("job-1", job);
        failure = new TransientFailureException("throttled");
        assertThat(messages.handle(pointer)).isEqualTo(DueJobMessages.Outcome.PUT_BACK);
        failure = null;
        table.items.remove("job-1"); // cancelled (or moved to another occurrence) while it waits to be retried

        assertThat(messages.handle(pointer)).as("the message of the put-back job").isEqualTo(DueJobMessages.Outcome.GONE);
        assertThat(triggers).as("runs").isEmpty();
        assertThat(ledger.recoverable(job.occurrenceId())).as("the claim's copy").isEmpty();
    }

    @Test
    void aJobPutBackAfterATransientFailureRunsFromTheTableOnItsNextMessage() {
        table.items.put("job-1", job);
        failure = new TransientFailureException("throttled");
        messages.handle(pointer);
        failure = null;
        clock.tick(Duration.ofSeconds(30));

        assertThat(messages.handle(pointer)).isEqualTo(DueJobMessages.Outcome.RUN);
        assertThat(triggers).hasSize(1);
        assertThat(ledger.stateOf(job)).isEqualTo(State.DONE);
    }

    @Test
    void aFailureThatIsNotTransientFailsTheMessage() {
        table.items.put("job-1", job);
        table.failRearm = new IllegalStateException("table down");
        failure = new TransientFailureException("throttled");
        assertThatThrownBy(() -> messages.handle(pointer)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBodyThatIsNotADueJobsMessageIsDropped() {
        assertThat(messages.handle("m-1", "{\"jobId\":1}")).isEqualTo(DueJobMessages.Outcome.DROPPED);
        assertThat(messages.handle("m-2", "not json")).isEqualTo(DueJobMessages.Outcome.DROPPED);
    }

    @Test
    void aSampleJobHandedOverDirectlyRuns() {
        assertThat(messages.run(job)).isEqualTo(DueJobMessages.Outcome.RUN);
        assertThat(triggers).containsExactly(DueJobMessages.TRIGGER);
    }
}
