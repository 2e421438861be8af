package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.action.JobAction;
import dev.lapse.action.JobDueAction;
import dev.lapse.job.Job;
import dev.lapse.job.Recurrence;
import dev.lapse.job.Series;
import dev.lapse.store.ExecutionLedger.State;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Occurrences of a recurring job on the run path: each once, the next armed as one is taken, a failing one retried aside. */
class RecurringRunsTest {
    static final Instant T0 = Instant.parse("2027-01-04T08:00:00Z");
    static final Recurrence EVERY_2S = new Recurrence(Optional.of(Duration.ofSeconds(2)), Optional.empty(), ZoneId.of("UTC"),
            Optional.empty(), Optional.empty(), Recurrence.CatchUp.NONE, T0);

    /** Where occurrence 1 of {@link #series()} waits: the series' id, its scheduledAt and the sequence. */
    static final String COPY = "series:r1:" + T0.minusSeconds(2).toEpochMilli() + ":1";

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, Duration.ofSeconds(60));
    final InMemory.Table table = new InMemory.Table(ledger);
    final InMemory.DeadLetters deadLetters = new InMemory.DeadLetters();
    final InMemory.Events events = new InMemory.Events();
    final List<Job> ran = new ArrayList<>();
    RuntimeException failure;
    final JobRunner runner = new JobRunner(table, ledger, type -> (job, run) -> {
        if (failure != null) {
            throw failure;
        }
        ran.add(job);
        events.publish("Job Due", JobDueAction.detail(job, run));
        return new JobAction.Result("published", false);
    }, RetryPolicies.defaults(), deadLetters, events, clock, () -> 0.5);
    final DueJobMessages messages = new DueJobMessages(table, ledger, runner, Optional.of(new InMemory.Queue()), clock);

    static Job series() {
        Series s = new Series("r1", EVERY_2S, 1, T0, Series.State.ACTIVE);
        return new Job("r1", "provider.poll", "{}", T0, "recurrence:{}", Occurrences.ofSeries("r1", T0), 1, Optional.empty(), List.of(),
                T0.minusSeconds(2), "tester", Optional.of(s));
    }

    /** The series' first occurrence failed once: it waits for its retry as a copy; the series holds the next one. */
    Job firstOccurrenceFailed() {
        table.items.put("r1", series());
        failure = new IllegalStateException("provider down");
        deliver(series());
        failure = null;
        return table.items.get(COPY);
    }

    DueJobMessages.Outcome deliver(Job job) {
        return messages.handle(new DueJobsQueue.Message(job.jobId(), job.occurrenceId(), job.dueAt()));
    }

    @Test
    void eachTakenOccurrenceArmsTheNextInItsPlaceAndRunsOnceWithItsSequence() {
        table.items.put("r1", series());
        for (int i = 0; i < 5; i++) {
            Job armed = table.items.get("r1");
            clock.set(armed.dueAt().plusMillis(100));
            assertThat(deliver(armed)).isEqualTo(DueJobMessages.Outcome.RUN);
            assertThat(deliver(armed)).as("the same message again").isEqualTo(DueJobMessages.Outcome.GONE);
        }
        assertThat(ran).extracting(j -> j.series().get().sequence()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(ran).extracting(Job::dueAt).containsExactly(T0, T0.plusSeconds(2), T0.plusSeconds(4), T0.plusSeconds(6), T0.plusSeconds(8));
        assertThat(table.items.get("r1").series().get().sequence()).isEqualTo(6);
        assertThat(table.items.get("r1").dueAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(events.events.get(1).detail().path("jobId").asText()).isEqualTo("r1");
        assertThat(events.events.get(1).detail().path("scheduledFor").asText()).isEqualTo(T0.plusSeconds(2).toString());
        assertThat(events.events.get(1).detail().path("sequence").asLong()).isEqualTo(2);
    }

    @Test
    void anOccurrenceTakenByTtlArmsTheNextBeforeItRunsAndARedeliveryArmsNothing() {
        clock.set(T0.plusMillis(300));
        assertThat(runner.run(series(), "ttl").outcome()).isEqualTo(JobRunner.Outcome.RAN);
        assertThat(table.items.get("r1").dueAt()).isEqualTo(T0.plusSeconds(2));
        table.items.clear();
        assertThat(runner.run(series(), "ttl").outcome()).isEqualTo(JobRunner.Outcome.DUPLICATE);
        assertThat(table.items).as("a cancellation meanwhile is not undone by a redelivery").isEmpty();
    }

    @Test
    void anOccurrenceDueLongAgoArmsTheNextFutureOneNotAFlood() {
        clock.set(T0.plusSeconds(3600));
        runner.run(series(), "ttl");
        assertThat(table.items.get("r1").dueAt()).isEqualTo(T0.plusSeconds(3602));
        assertThat(table.items.get("r1").series().get().sequence()).isEqualTo(2);
    }

    @Test
    void aFailingOccurrenceIsRetriedAsACopyWhileTheSeriesRunsOnTime() {
        table.items.put("r1", series());
        clock.set(T0.plusMillis(50));
        failure = new IllegalStateException("provider down");
        deliver(series());
        Job copy = table.items.get(COPY);
        assertThat(copy).as("the retry waits under its own id").isNotNull();
        assertThat(copy.attempt()).isEqualTo(2);
        assertThat(copy.occurrenceId()).isEqualTo(series().occurrenceId());
        assertThat(table.items.get("r1").series().get().sequence()).as("the series keeps its schedule").isEqualTo(2);

        failure = null;
        Job second = table.items.get("r1");
        clock.set(second.dueAt());
        assertThat(deliver(second)).isEqualTo(DueJobMessages.Outcome.RUN);
        clock.set(copy.dueAt());
        assertThat(deliver(copy)).isEqualTo(DueJobMessages.Outcome.RUN);
        assertThat(ran).extracting(j -> j.series().get().sequence()).containsExactly(2L, 1L);
        assertThat(ran.get(1).attempt()).isEqualTo(2);
        assertThat(ledger.entries.get(series().occurrenceId()).state()).isEqualTo(State.DONE);
    }

    @Test
    void aWaitingCopyOfACancelledSeriesDoesNotRun() {
        Job copy = firstOccurrenceFailed();
        Job armed = table.items.get("r1");
        Series s = armed.series().get();
        table.items.put("r1", armed.nextOccurrence(s.with(s.sequence(), s.scheduledFor(), Series.State.CANCELLED),
                T0.plusSeconds(86_400), "cancelled-occ"));
        clock.set(copy.dueAt());
        deliver(copy);
        assertThat(ran).isEmpty();
        assertThat(ledger.entries.get(copy.occurrenceId()).state()).isEqualTo(State.DONE);
        assertThat(ledger.entries.get(copy.occurrenceId()).outcome()).isEqualTo("recurring job cancelled");
        clock.set(T0.plusSeconds(86_401));
        assertThat(deliver(table.items.get("r1"))).as("the kept item is never taken").isEqualTo(DueJobMessages.Outcome.GONE);
    }

    @Test
    void aWaitingCopyDoesNotRunOnceANewJobHasTakenItsSeriesId() {
        Job copy = firstOccurrenceFailed();
        // the series was cancelled and a new recurring job (scheduled later) took the id
        Job replacement = new Job("r1", "provider.poll", "{}", T0.plusSeconds(60), "recurrence:{}", Occurrences.ofSeries("r1", T0.plusSeconds(60)),
                1, Optional.empty(), List.of(), T0.plusSeconds(30), "tester",
                Optional.of(new Series("r1", EVERY_2S, 1, T0.plusSeconds(60), Series.State.ACTIVE)));
        table.items.put("r1", replacement);
        assertThat(replacement.waitingCopy().jobId()).as("the new job's copies never meet the old ones").isNotEqualTo(COPY);
        clock.set(copy.dueAt());
        assertThat(runner.run(copy, "ttl").outcome()).as("its copy taken by TTL instead").isEqualTo(JobRunner.Outcome.CANCELLED);
        assertThat(ran).isEmpty();
        assertThat(ledger.entries.get(copy.occurrenceId()).outcome()).isEqualTo("recurring job cancelled");
    }

    @Test
    void aWaitingCopyOfASeriesThatEndedStillRuns() {
        Job copy = firstOccurrenceFailed();
        table.items.remove("r1"); // ended: no item
        clock.set(copy.dueAt());
        assertThat(deliver(copy)).isEqualTo(DueJobMessages.Outcome.RUN);
        assertThat(ran).extracting(Job::ownerJobId).containsExactly("r1");
    }

    @Test
    void anOccurrenceThatExhaustsItsRetriesIsDeadLetteredAsItsCopyAndTheSeriesGoesOn() {
        failure = new IllegalStateException("always");
        Job occurrence = series();
        table.items.put("r1", occurrence);
        deliver(occurrence);
        for (int i = 0; i < 10 && deadLetters.letters.isEmpty(); i++) {
            Job copy = table.items.get(COPY);
            clock.set(copy.dueAt());
            deliver(copy);
        }
        assertThat(deadLetters.letters).singleElement().satisfies(l -> {
            assertThat(l.job().jobId()).isEqualTo(COPY);
            assertThat(l.job().ownerJobId()).isEqualTo("r1");
        });
        assertThat(table.items.get("r1").isDormant()).isFalse();
        assertThat(table.items.get("r1").series().get().sequence()).isGreaterThan(1);
    }

    @Test
    void armingTheNextOccurrenceFailingGivesTheRecordBack() {
        table.failArmNext = new IllegalStateException("throttled");
        assertThatThrownBy(() -> runner.run(series(), "ttl")).hasMessageContaining("next occurrence could not be armed");
        assertThat(ledger.entries.get(series().occurrenceId()).state()).isEqualTo(State.RELEASED);
        assertThat(ran).isEmpty();
    }
}
