package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.action.JobAction;
import dev.lapse.job.Job;
import dev.lapse.sweep.DueBuckets;
import dev.lapse.sweep.DueJobsSweep;
import dev.lapse.sweep.HandOver;
import dev.lapse.sweep.PendingJobs;
import dev.lapse.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Jobs handed over by the sweep, then run by their queue messages: once, and never at a time they were moved away from. */
class SweptJobsTest {
    static final Instant T0 = JobRunnerTest.T0;
    static final Duration HORIZON = Duration.ofSeconds(90);

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, JobRunnerTest.LEASE);
    final InMemory.Table table = new InMemory.Table(ledger);
    final List<String> ran = new ArrayList<>();
    final JobRunner runner = InMemory.runner(table, ledger, (job, run) -> {
        ran.add(job.occurrenceId() + "@" + run.trigger());
        return new JobAction.Result("did it", false);
    }, clock);
    final DueJobMessages messages = new DueJobMessages(table, ledger, runner, Optional.of(new InMemory.Queue()), clock);
    final List<DueJobsQueue.Message> queued = new ArrayList<>();
    final Set<String> handed = new HashSet<>();

    /** The index over the table: every item not marked handed (an item written again is pending again). */
    final PendingJobs index = new PendingJobs() {
        @Override
        public List<Pending> dueBy(String bucket, Instant until) {
            return table.items.values().stream().filter(j -> !handed.contains(j.occurrenceId()))
                    .filter(j -> DueBuckets.of(j.jobId(), j.dueAt()).equals(bucket) && !j.dueAt().isAfter(until))
                    .map(j -> new Pending(j.jobId(), j.occurrenceId(), j.dueAt())).toList();
        }

        @Override
        public boolean markHanded(Pending job, Instant at) {
            Job item = table.items.get(job.jobId());
            return item != null && item.occurrenceId().equals(job.occurrenceId()) && handed.add(job.occurrenceId());
        }
    };
    final HandOver queue = batch -> {
        queued.addAll(batch);
        return batch;
    };
    final DueJobsSweep sweep = new DueJobsSweep(index, queue, HORIZON, clock);

    Job job(String occurrence, Instant due) {
        return new Job("job-1", "report.daily", "{}", due, due.toString(), occurrence, 1, Optional.empty(), List.of(), T0, "tester");
    }

    void deliverAll() {
        for (DueJobsQueue.Message m : List.copyOf(queued)) {
            clock.set(m.dueAt().isAfter(clock.instant()) ? m.dueAt() : clock.instant());
            messages.handle(m);
        }
    }

    @Test
    void aJobHandedOverTwiceRunsOnce() {
        table.items.put("job-1", job("occ-1", T0.plusSeconds(60)));
        sweep.sweep();
        handed.clear(); // as if the mark was lost: the next sweep sends it again
        sweep.sweep();
        assertThat(queued).hasSize(2);

        deliverAll();

        assertThat(ran).containsExactly("occ-1@" + DueJobMessages.TRIGGER);
    }

    @Test
    void aJobCancelledAfterHandOverNeverRuns() {
        table.items.put("job-1", job("occ-1", T0.plusSeconds(60)));
        sweep.sweep();
        table.items.remove("job-1");

        deliverAll();

        assertThat(queued).hasSize(1);
        assertThat(messages.handle(queued.get(0))).isEqualTo(DueJobMessages.Outcome.GONE);
        assertThat(ran).isEmpty();
    }

    @Test
    void aJobRescheduledAfterHandOverRunsAtItsNewTimeOnly() {
        table.items.put("job-1", job("occ-1", T0.plusSeconds(60)));
        sweep.sweep();
        table.items.put("job-1", job("occ-2", T0.plusSeconds(600)));
        deliverAll();
        assertThat(ran).isEmpty();

        clock.set(T0.plusSeconds(600).minus(HORIZON));
        sweep.sweep();
        deliverAll();

        assertThat(ran).containsExactly("occ-2@" + DueJobMessages.TRIGGER);
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(600));
    }
}
