package dev.lapse.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lapse.action.JobAction;
import dev.lapse.action.TransientFailureException;
import dev.lapse.job.Job;
import dev.lapse.store.ExecutionLedger.State;
import dev.lapse.store.JobItems;
import dev.lapse.testing.SettableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The run path's records of one batch, run concurrently by {@link PartialBatch} on the in-memory fakes. */
class BatchOfJobsTest {
    static final Instant T0 = JobRunnerTest.T0;

    final SettableClock clock = new SettableClock(T0);
    final InMemory.Ledger ledger = new InMemory.Ledger(clock, JobRunnerTest.LEASE);
    final InMemory.Table table = new InMemory.Table(ledger);
    final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    volatile Set<String> failing = Set.of();
    final JobRunner runner = InMemory.runner(table, ledger, (job, run) -> {
        PartialBatchTest.sleep(30); // long enough for two deliveries of one job to overlap if they ran at once
        if (failing.contains(job.jobId())) {
            throw new TransientFailureException("throttled");
        }
        ran.add(job.jobId());
        return new JobAction.Result("did it", false);
    }, clock);
    final DueJobMessages messages = new DueJobMessages(table, ledger, runner, Optional.of(new InMemory.Queue()), clock);

    record Message(String id, String body) {
    }

    static Job job(String id) {
        return new Job(id, "report.daily", "{}", T0.minusSeconds(1), "t", "occ-" + id, 1, Optional.empty(), List.of(),
                T0.minusSeconds(600), "tester");
    }

    Message pending(String messageId, Job job) {
        table.items.put(job.jobId(), job);
        return new Message(messageId, DueJobsQueue.Message.of(job).body());
    }

    List<String> runQueueBatch(List<Message> batch) {
        return PartialBatch.failedIds(batch, Message::id, m -> DueJobMessages.jobOf(m.body()), m -> messages.handle(m.id(), m.body()));
    }

    @Test
    void twoMessagesForOneOccurrenceInABatchRunItOnceAndNeitherFails() {
        Job one = job("job-1");
        Message first = pending("m-1", one);
        List<String> failed = runQueueBatch(List.of(first, pending("m-2", job("job-2")), new Message("m-3", first.body())));
        assertThat(failed).isEmpty();
        assertThat(ran).containsExactlyInAnyOrder("job-1", "job-2");
        assertThat(ledger.stateOf(one)).isEqualTo(State.DONE);
    }

    @Test
    void aMessageThatFailsFailsOnlyItself() {
        // Given job-2 is claimed by an invocation still running it
        Job two = job("job-2");
        ledger.claim(two);
        List<Message> batch = List.of(pending("m-1", job("job-1")), new Message("m-2", DueJobsQueue.Message.of(two).body()),
                pending("m-3", job("job-3")));
        assertThat(runQueueBatch(batch)).containsExactly("m-2");
        assertThat(ran).containsExactlyInAnyOrder("job-1", "job-3");
    }

    record StreamRecord(String sequenceNumber, Job job) {
    }

    @Test
    void aStreamBatchReportsEachFailedRecordLowestSequenceNumberFirst() {
        // Given a TTL batch in which the actions of job-2 and job-4 hit transient failures
        ExpiredJobs expired = new ExpiredJobs(runner, null, clock);
        List<StreamRecord> batch = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            batch.add(new StreamRecord(String.format("%021d", 100 + i), job("job-" + i)));
        }
        failing = Set.of("job-4", "job-2");
        // When the batch runs
        List<String> failed = PartialBatch.failedIds(batch, StreamRecord::sequenceNumber, r -> r.job().jobId(),
                r -> expired.handle("e-" + r.sequenceNumber(), "REMOVE", true, () -> JobItems.toItem(r.job()), r));
        // Then only those two are reported, in stream order, and their claims are given back for the retry
        assertThat(failed).containsExactly(String.format("%021d", 102), String.format("%021d", 104));
        assertThat(ran).hasSize(10).doesNotContain("job-2", "job-4");
        assertThat(ledger.stateOf(job("job-2"))).isEqualTo(State.RELEASED);
        // And the redelivery from the lowest failed record runs the two failed jobs once and no other again
        failing = Set.of();
        assertThat(PartialBatch.failedIds(batch.subList(1, batch.size()), StreamRecord::sequenceNumber, r -> r.job().jobId(),
                r -> expired.handle("e-" + r.sequenceNumber(), "REMOVE", true, () -> JobItems.toItem(r.job()), r))).isEmpty();
        assertThat(ran).hasSize(12).doesNotHaveDuplicates();
    }
}
